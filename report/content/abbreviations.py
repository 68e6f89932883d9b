"""The abbreviations Vedlegg 7's texts use that its list of abbreviations does not explain.

The appendix opens with a table the editor writes (`## Forkortelser`, first column the
abbreviation). The departments' texts then use others (the 2022 list missed «HO-tjenesten» and
«NUBU»). An abbreviation is a word of two or more capitals, with or without a tail («RHFene»,
«HO-tjenesten»); an inflected form of a listed one counts as explained.
"""

from __future__ import annotations

import re
from pathlib import Path

from report.content.chapters import book_chapters
from report.content.norsk import join_and
from report.content.references import chapter_text
from report.data import schema
from report.data.model import Dataset
from report.data.problems import Problems

HEADING = re.compile(r"^#{2,3}\s+Forkortelser\b")
_ROW = re.compile(r"^\s*\|\s*([^|]+?)\s*\|")
_ABBREVIATION = re.compile(r"(?<![\w-])([A-ZÆØÅ]{2,})(-[a-zæøå]\w*|[a-zæøå]+)?(?![\w])")
# Capitals that are words, not abbreviations: the colour verdicts the texts spell out («RØD»).
_WORDS = {w.upper() for w in (*schema.COLOURS, "grønt", "rødt", "gult")}


def explained(root: Path) -> tuple[str, set[str]] | None:
    """(the chapter, its listed abbreviations) for the first chapter in the book with a
    «Forkortelser» table; None where there is none."""
    root = Path(root)
    for chapter in book_chapters(root):
        path = root / chapter
        if not path.is_file():
            continue
        lines = chapter_text(path).splitlines()
        start = next((i for i, line in enumerate(lines) if HEADING.match(line)), None)
        if start is None:
            continue
        listed = set()
        for line in lines[start + 1:]:
            if line.startswith("#"):
                break
            m = _ROW.match(line)
            if m and not set(m[1]) <= set("-: "):
                listed.add(m[1])
        return chapter, listed - {"Forkortelse"}
    return None


def unexplained(dataset: Dataset, year: int, root: Path) -> Problems:
    """A warning for each abbreviation in the year's Vedlegg 7 texts that the list lacks, with
    the first assignment and column it is used in."""
    problems = Problems()
    found = explained(root)
    if found is None:
        return problems
    chapter, listed = found
    places: dict[str, list[tuple[str, str, str, int]]] = {}  # abbreviation → (form, ID, column, row)
    for a in sorted(dataset.rows_for(year), key=lambda a: a.row):
        for header, field in schema.APPENDIX7_TEXTS:
            for m in _ABBREVIATION.finditer(str(getattr(a, field) or "")):
                word, capitals = m[0], m[1]
                if capitals in _WORDS or word in listed or capitals in listed:
                    continue
                places.setdefault(capitals, []).append((word, a.key, header, a.row))
    for capitals, where in sorted(places.items()):
        _, first_id, header, row = where[0]
        forms = sorted({form for form, *_ in where} - {capitals})
        also = f" (også {join_and([f'«{f}»' for f in forms])})" if forms else ""
        more = "" if len(where) == 1 else " og ett sted til" if len(where) == 2 else f" og {len(where) - 1} steder til"
        problems.warning(schema.ASSIGNMENTS_BOOK.filename, schema.ASSIGNMENTS.name, f"rad {row}",
                         f"forkortelsen «{capitals}»{also}, brukt i {first_id}, kolonnen «{header}»{more}, står ikke "
                         f"i tabellen over forkortelser i {chapter}. Legg den til der, eller skriv den ut i teksten.")
    return problems
