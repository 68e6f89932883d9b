"""A character no font on the machine has (an emoji pasted from Teams, a script the fonts lack)
stops the PDF: Typst checks PDF/UA-1 and refuses text it cannot show. Typst's message names the
character and a line of its own source; this says, in bokmål, which cells of the workbooks and
which lines of the chapters hold it, so the writer knows what to change."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from report.content.chapters import book_chapters
from report.data import schema
from report.data.cells import column_letter
from report.data.config import load_config
from report.data.problems import Problem, Problems
from report.data.sheets import read_workbook

_NOT_SHOWN = re.compile(r'the text `"((?:[^"\\]|\\.)*)"` could not be displayed with font')
# Typst quotes the text as Rust does: a character that does not print as \u{10fffd}
_ESCAPE = re.compile(r"\\u\{([0-9a-fA-F]+)\}|\\(.)")
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
FONTS = "«Segoe UI Emoji» på Windows, «Noto Color Emoji» på Linux"


def missing_characters(lines: list[str]) -> list[str]:
    """The characters Typst said it could not show, each once, in the order it said them."""
    def unquote(text: str) -> str:
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else _SIMPLE.get(m.group(2), m.group(2)), text)

    return list(dict.fromkeys(ch for line in lines for m in _NOT_SHOWN.finditer(line) for ch in unquote(m.group(1))
                              if not ch.isspace()))


def _name(ch: str) -> str:
    return f"«{ch}» (U+{ord(ch):04X}{', ' + unicodedata.name(ch).lower() if unicodedata.name(ch, '') else ''})"


def where_they_are(root: Path, characters: list[str]) -> list[Problem]:
    """One error per place (a cell, a chapter's line) that holds any of `characters`, naming
    them; a character found nowhere (it came from somewhere else) is named on its own."""
    config = load_config(root)
    wanted = set(characters)
    places: dict[tuple[str, str | None, str], set[str]] = {}
    for book in schema.WORKBOOKS:
        path = config.data_dir / book.filename
        if not path.is_file():
            continue
        for sheet_name, table in read_workbook(path, book).tables.items():
            sheet = next(s for s in book.sheets if s.name == sheet_name)
            for r, values in table.rows:
                for field, value in zip([c.field for c in sheet.columns], values):
                    if isinstance(value, str) and wanted & set(value) and field in table.columns:
                        place = (book.filename, sheet_name, f"{column_letter(table.columns[field])}{r}")
                        places.setdefault(place, set()).update(wanted & set(value))
    for name in book_chapters(root):
        path = root / name
        if path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
                if wanted & set(line):
                    places.setdefault((name, None, f"linje {number}"), set()).update(wanted & set(line))
    problems = Problems()
    for (file, sheet, cell), found in places.items():
        names = [_name(ch) for ch in characters if ch in found]
        problems.error(file, sheet, cell, f"{'tegnet' if len(names) == 1 else 'tegnene'} {', '.join(names)} kan "
                                          f"ikke vises i PDF-en: ingen skrift på denne maskinen har {'det' if len(names) == 1 else 'dem'}. "
                                          f"Ta {'det' if len(names) == 1 else 'dem'} bort, eller installer en skrift som har "
                                          f"{'det' if len(names) == 1 else 'dem'} ({FONTS}).")
    for ch in wanted - set().union(*places.values()):
        problems.error("PDF-en", None, None, f"tegnet {_name(ch)} kan ikke vises: ingen skrift på denne maskinen har "
                                             f"det ({FONTS}).")
    return problems.errors
