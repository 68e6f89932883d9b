"""Where a reviewer's quoted text comes from: a chapter's line (naming the variables printed in it),
a workbook cell (file › sheet › cell) for text the tables and lists were made from, or else the
nearest heading above it in the document.

Texts are compared by their letters and digits only, case folded: line breaks, hyphenation at line
ends, soft hyphens, no-break spaces, quotes («» or ""), markdown escapes and punctuation do not
count, so the PDF's, the Word file's and the sources' forms of one sentence are the same.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from report.content import blocks as block_gen
from report.content.chapters import book_chapters, markdown_lines
from report.content.norsk import format_date_short
from report.content.published import plain
from report.content.references import chapter_text, find_references, flatten
from report.content.variables import FILE as VARIABLES, variables as make_variables
from report.data import schema
from report.data.cells import column_letter
from report.data.config import Config
from report.data.load import load_dataset, read_workbook
from report.data.problems import Problems
from report.workflow.comments import Note, squash

SHORT = 6  # letters and digits: a shorter quote is placed by the text around it
WINDOW = 40  # letters and digits either side of a short quote that place it
_VAR = re.compile(r"(?<!\{)\{\{<\s*var\s+([^\s>]+)\s*>\}\}")
_BLOCK = re.compile(r"(?<!\{)\{\{<\s*blokk\s+[^>]*>\}\}")
_MARKUP = re.compile(r"\{[^{}]*\}|\]\([^)]*\)|(?<![\w@])-?@[a-z]+-[\w-]+|^:{3,}.*$")
_NUMBERING = re.compile(r"^(vedlegg\d+|\d+)+")


@dataclass
class Place:
    source: str  # «chapters/x.qmd:23», «data/oppdrag.xlsx › Oppdrag › H14», «nær overskriften «…»»
    kind: str  # "kapittel" | "regneark" | "overskrift"
    chapter: str = ""  # the chapter file it is in (for sorting), "" when unknown
    line: int = 0
    variables: list[str] = field(default_factory=list)  # «indikator.A10.siste (indikatorer.xlsx › Verdier › D40)»
    found: bool = True  # the quoted text is still in the sources


@dataclass
class _Chapter:
    name: str
    text: str  # squashed
    starts: list[int]  # the squashed offset each line starts at
    lines: list[int]  # its line number
    spans: list[tuple[int, int, str]]  # (start, end, variable name) of each value printed
    headings: list[tuple[str, int]]  # (squashed title, line) of each heading


@dataclass
class _Cell:
    text: str  # squashed
    source: str
    book: str


class Sources:
    """The sources as they are now: chapters with their variables' values, workbook cells, blocks."""

    def __init__(self, root: Path, config: Config):
        self.root = config.root
        self.order = book_chapters(self.root)
        dataset, _ = load_dataset(config.data_dir)
        variables = self._variables(dataset, config)
        self.chapters = [self._chapter(name, variables) for name in self.order if (self.root / name).is_file()]
        data = config.data_dir.relative_to(self.root).as_posix() if config.data_dir.is_relative_to(self.root) \
            else config.data_dir.as_posix()
        self.cells, self.rows = self._cells(config, data)
        self.variable_cells = self._variable_cells(dataset, data)
        self.blocks = self._blocks(dataset, config)

    def _variables(self, dataset, config: Config) -> dict[str, str]:
        try:
            return {k: plain(v) for k, v in flatten(make_variables(dataset, config)).items()}
        except Exception:  # data with errors: the last build's values
            try:
                return {k: plain(v) for k, v in flatten(json.loads(
                    (self.root / VARIABLES).read_text(encoding="utf-8"))).items()}
            except (OSError, ValueError):
                return {}

    def _chapter(self, name: str, variables: dict[str, str]) -> _Chapter:
        parts, starts, lines, spans, headings, size = [], [], [], [], [], 0
        for line in markdown_lines(name, chapter_text(self.root / name), Problems()):
            starts.append(size)
            lines.append(line.number)
            text = _BLOCK.sub(" ", line.text)
            if text.startswith("#"):
                title = _VAR.sub(lambda m: variables.get(m.group(1), ""), text)
                headings.append((squash(_MARKUP.sub(" ", plain(title))), line.number))
            at = 0
            for m in _VAR.finditer(text):
                before = squash(_MARKUP.sub(" ", plain(text[at:m.start()])))
                value = squash(variables.get(m.group(1), ""))
                parts += [before, value]
                spans.append((size + len(before), size + len(before) + len(value), m.group(1)))
                size += len(before) + len(value)
                at = m.end()
            rest = squash(_MARKUP.sub(" ", plain(text[at:])))
            parts.append(rest)
            size += len(rest)
        return _Chapter(name, "".join(parts), starts, lines, spans, headings)

    def _cells(self, config: Config, data: str):
        cells: list[_Cell] = []
        rows: dict[tuple[str, str, str], str] = {}  # (sheet, field, key) → address, for variables
        for book in schema.WORKBOOKS:
            tables = read_workbook(config.data_dir / book.filename, book).tables
            for sheet in book.sheets:
                table = tables.get(sheet.name)
                if table is None:
                    continue
                fields = [c.field for c in sheet.columns]
                for r, values in table.rows:
                    record = dict(zip(fields, values))
                    if "year" in record and record["year"] != config.year:
                        continue
                    where = f"{data}/{book.filename} › {sheet.name} › "
                    for name, value in record.items():
                        if name not in table.columns or value is None or isinstance(value, (bool, int, float)):
                            continue
                        address = f"{column_letter(table.columns[name])}{r}"
                        if isinstance(value, str):
                            text = value
                        elif hasattr(value, "year") and hasattr(value, "day"):
                            text = format_date_short(value)
                        else:
                            text = str(getattr(value, "label", ""))
                        if squash(text):
                            cells.append(_Cell(squash(text), where + address, book.filename))
                    if sheet is schema.INDICATOR_VALUES and record.get("geo_level") == "land":
                        key = (record["indicator_id"], getattr(record["period"], "label", ""))
                        for name in ("value", "period"):
                            if name in table.columns:
                                rows[(sheet.name, name, *key)] = where + f"{column_letter(table.columns[name])}{r}"
                    if sheet is schema.INDICATOR_CATALOGUE:
                        for name in ("name", "target"):
                            if name in table.columns:
                                rows[(sheet.name, name, record["id"])] = \
                                    where + f"{column_letter(table.columns[name])}{r}"
        return cells, rows

    def _variable_cells(self, dataset, data: str) -> dict[str, str]:
        """The cell behind each indicator variable that prints one value from the workbook."""
        from report.content.changes import national

        found = {}
        for ind in dataset.indicators.values():
            values = national(dataset, ind.id)
            for offset, names in ((-1, ("siste", "siste_tall", "periode")), (-2, ("forrige", "forrige_periode"))):
                if len(values) >= -offset:
                    label = values[offset].period.label
                    for name in names:
                        column = "period" if name.endswith("periode") else "value"
                        cell = self.rows.get((schema.INDICATOR_VALUES.name, column, ind.id, label))
                        if cell:
                            found[f"indikator.{ind.id}.{name}"] = cell
            for name, column in (("navn", "name"), ("maal", "target")):
                cell = self.rows.get((schema.INDICATOR_CATALOGUE.name, column, ind.id))
                if cell:
                    found[f"indikator.{ind.id}.{name}"] = cell
        return found

    def _blocks(self, dataset, config: Config) -> list[tuple[str, str, int]]:
        """(squashed text, chapter, line) of each generated block, where the book inserts it."""
        where = {}
        for ref in find_references(self.root):
            if ref.kind == "blokk" and ref.file in self.order:
                where.setdefault(ref.name, (ref.file, ref.line))
        out = []
        for name, (_, make) in block_gen.block_makers(config.year, config.status_prompt).items():
            if name in where:
                try:
                    text = make(dataset)
                except Exception:  # a block the data cannot make now is not a place
                    continue
                out.append((squash(_MARKUP.sub(" ", text)), *where[name]))
        return sorted(out, key=lambda b: (self.order.index(b[1]), b[2]))

    def is_this_report(self, body: str) -> bool:
        """Whether a document's text holds any of the chapters' longer passages."""
        text = squash(body)
        for chapter in self.chapters:
            for i, start in enumerate(chapter.starts):
                end = chapter.starts[i + 1] if i + 1 < len(chapter.starts) else len(chapter.text)
                if end - start >= 40 and chapter.text[start:start + 40] in text:
                    return True
        return False

    def place(self, note: Note) -> Place:
        quote = squash(note.quote)
        window = _window(quote, squash(note.context))
        needles = [(quote, 0)] if len(quote) >= SHORT else []
        if window and window[0] != quote:
            needles.insert(0, window)  # the text around it first: the quote alone may stand elsewhere too
        for needle, offset in list(needles):  # a line that changed a little: its halves
            if len(needle) >= 24:
                needles += [(needle[:len(needle) // 2], min(offset, len(needle) // 2)), (needle[len(needle) // 2:], 0)]
        hint = _NUMBERING.sub("", squash(note.chapter or note.heading))
        for needle, offset in needles:
            if place := self._find(needle, offset, len(quote), hint):
                place.found = not quote or self._exists(quote)
                return place
        chapter, line = self._heading(hint, _NUMBERING.sub("", squash(note.heading)))
        where = f"nær overskriften «{note.heading}»" if note.heading else "i starten av dokumentet (ingen overskrift over)"
        return Place(where + (f" ({chapter}:{line})" if line else ""), "overskrift", chapter, line, found=not quote)

    def _find(self, needle: str, offset: int, length: int, hint: str) -> Place | None:
        # in the chapter the document says the text is in, when it names one of the book's chapters
        home = next((c.name for c in self.chapters if c.headings and len(hint) >= 4 and c.headings[0][0] == hint), "")
        hits = [(c, i) for c in self.chapters if not home or c.name == home for i in _all(c.text, needle)]
        if hits:
            chapter, at = hits[0]
            start = at + offset
            index = max(0, bisect_right(chapter.starts, start) - 1)
            names = [f"{name} ({self.variable_cells[name]})" if name in self.variable_cells else name
                     for s, e, name in chapter.spans if s < start + max(length, 1) and e > start and e > s]
            line = chapter.lines[index]
            return Place(f"{chapter.name}:{line}", "kapittel", chapter.name, line, names)
        quote = needle[offset:offset + length] if length else needle
        block = next(((c, l) for t, c, l in self.blocks if needle in t and (not home or c == home)), None)
        cells = [c for c in self.cells if needle in c.text] or [c for c in self.cells if quote and quote in c.text]
        if not cells and block:  # across cells of one table row: the longest cell inside the quote
            cells = sorted((c for c in self.cells if len(c.text) >= 8 and c.text in needle), key=lambda c: -len(c.text))
        if cells:
            chapter, line = block or next(((c, l) for t, c, l in self.blocks if cells[0].text in t
                                           and (not home or c == home)), ("", 0))
            return Place(cells[0].source, "regneark", chapter, line)
        if block:
            return Place(f"{block[0]}:{block[1]}", "kapittel", block[0], block[1])
        return None

    def _exists(self, quote: str) -> bool:
        return (any(quote in c.text for c in self.chapters) or any(quote in c.text for c in self.cells)
                or any(quote in t for t, _, _ in self.blocks))

    def _heading(self, top: str, nearest: str) -> tuple[str, int]:
        """The chapter whose first heading is `top`, and the line of the heading `nearest` in it."""
        chapter = next((c for c in self.chapters if c.headings and top and c.headings[0][0] == top), None)
        chapter = chapter or next((c for c in self.chapters if any(h == nearest for h, _ in c.headings)), None)
        if chapter is None:
            return "", 0
        return chapter.name, next((n for h, n in chapter.headings if nearest and h == nearest), 0)


def _all(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at >= 0 and len(found) < 50:
        found.append(at)
        at = text.find(needle, at + 1)
    return found


def _window(quote: str, context: str) -> tuple[str, int] | None:
    """The context around the quote (and where the quote starts in it), or the whole context."""
    if not context:
        return None
    at = context.find(quote) if quote else -1
    if at < 0:
        return (context, 0) if len(context) >= SHORT else None
    start = max(0, at - WINDOW)
    return context[start:at + len(quote) + WINDOW], at - start
