"""Saving a python-docx document so the same content always gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from report.data.files import write_atomically

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def save_reproducibly(doc, path: Path) -> None:
    """Save with fixed zip timestamps, replacing `path` only when done (report.data.files)."""
    buffer = io.BytesIO()
    doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    write_atomically(path, out.getvalue())
