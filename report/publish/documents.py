"""The PDF and the Word file under names a writer can attach to an e-mail: Quarto names them
after the book's title (90 characters, with «å» and an en dash); they become
NHSP-statusrapport-YEAR.pdf and .docx. And which build they are (its stamp, and whether it is a
draft), for the post-render step to mark them."""

from __future__ import annotations

import json
import os
from pathlib import Path

from report.content.variables import FILE as VARIABLES

SUFFIXES = (".pdf", ".docx")


def document_name(year: int, suffix: str) -> str:
    return f"NHSP-statusrapport-{year}{suffix}"


def workbook_name(year: int) -> str:
    """The workbook with the numbers behind the report's figures (report/content/tallgrunnlag.py)."""
    return f"tallgrunnlag-{year}.xlsx"


def rename_documents(folder: Path, names: list[str], year: int) -> dict[str, str]:
    """Rename the PDF and the Word file among `names` (files Quarto wrote in `folder`); return
    old name → new name."""
    renamed = {}
    for path in (folder / name for name in names):
        if path.suffix in SUFFIXES and path.is_file():
            new = document_name(year, path.suffix)
            if path.name != new:
                os.replace(path, folder / new)
                renamed[path.name] = new
    return renamed


def build_stamp(root: Path) -> tuple[str, bool]:
    """(this build's stamp, whether it is a draft), as the pre-render step wrote them among the
    variables (JSON); ("", False) where they are not."""
    try:
        variables = json.loads((Path(root) / VARIABLES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", False
    return str(variables.get("stempel") or ""), bool(variables.get("utkast"))
