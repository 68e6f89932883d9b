"""Input-aware cache of read workbooks: an unchanged workbook is not read again.

What one workbook holds once read (its typed rows and the problems found in it) is kept
in one file per workbook, keyed by the SHA-256 of the workbook's bytes and of the code
that reads it. A changed workbook, or changed reading code, is read anew; time stamps
are never used, so a cached result is never stale. Like the figure cache, entries are
read from the previous build's `_generert/` and written into the new one, so they
survive the build's atomic swap and only the entries of the last build are kept.

The entries are pickles, and unpickling can run code: only files this tool wrote are
read, from `_generert/`, the tool's own output and never writer input (whoever can
write there can change the tool's code beside it as well). An entry that cannot be read
or does not match is ignored and the workbook is read again.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from importlib import metadata
from pathlib import Path
from typing import Callable

from report import __version__
from report.data import schema
from report.data.sheets import ReadWorkbook

FOLDER = "cache"  # inside _generert/
_MAGIC = b"nhsp-arbeidsbok 1\n"
# The modules whose code decides what a workbook reads as.
_CODE = ("container.py", "sheets.py", "cells.py", "schema.py", "model.py", "periods.py", "messages.py", "problems.py",
         "cache.py")


@functools.cache
def code_version() -> bytes:
    """A digest of everything besides the file that shapes a read result."""
    digest = hashlib.sha256(f"{__version__} {pickle.DEFAULT_PROTOCOL}".encode())
    for package in ("python-calamine", "openpyxl"):
        digest.update(f"{package} {metadata.version(package)}".encode())
    here = Path(__file__).parent
    for name in _CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes())
    return digest.digest()


class WorkbookCache:
    """Read results from `previous` (a folder of a past build, or None) by content; `save`
    writes the entries of this run into a new folder."""

    def __init__(self, previous: Path | None):
        self.previous = previous
        self.entries: dict[str, bytes] = {}  # file name → entry, for `save`
        self.hits: list[str] = []  # files taken from the cache, for tests and curious developers

    def read(self, path: Path, book: schema.Workbook,
             reader: Callable[[Path, schema.Workbook], ReadWorkbook]) -> ReadWorkbook:
        if not path.is_file():  # nothing to key on: the reader reports the missing file
            return reader(path, book)
        key = hashlib.sha256(code_version() + book.filename.encode() + b"\0" + path.read_bytes()).hexdigest()
        head = _MAGIC + key.encode() + b"\n"
        cached = self._load(path.name, head)
        if cached is not None:
            self.hits.append(path.name)
            return cached
        result = reader(path, book)
        self.entries[path.name] = head + pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        return result

    def _load(self, name: str, head: bytes) -> ReadWorkbook | None:
        if self.previous is None:
            return None
        try:
            data = (self.previous / f"{name}.pickle").read_bytes()
            if not data.startswith(head):
                return None
            result = pickle.loads(memoryview(data)[len(head):])
        except Exception:  # missing, truncated or corrupt: read the workbook again
            return None
        if not isinstance(result, ReadWorkbook):
            return None
        self.entries[name] = data
        return result

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in sorted(self.entries.items()):
            (folder / f"{name}.pickle").write_bytes(data)
