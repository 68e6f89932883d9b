"""Pandoc markdown tables from cells that are already safe `Markdown`.

Pipe tables hold one line per cell; grid tables hold block content (paragraphs,
bullet lists), with columns aligned by display width the way Pandoc measures it
(wide East Asian characters and emoji take two columns, combining marks none).
"""

from __future__ import annotations

import math
import re
import textwrap
import unicodedata

from report.content.markdown import Markdown

GRID_WIDTH = 24  # characters per wrapped line inside a grid cell
# Below U+0300 every character is one column wide except the soft hyphen (U+00AD, none).
_NOT_PLAIN = re.compile("[^\u0000-\u00ac\u00ae-\u02ff]")


def pipe_table(headers: list[str], rows: list[list[str]], numeric: tuple[int, ...] = ()) -> Markdown:
    """Text columns left-aligned, the columns numbered in `numeric` right-aligned: explicit,
    so that no format centres them."""
    def line(cells):
        return "| " + " | ".join(c if c.strip() else " " for c in cells) + " |"

    rule = ["---:" if i in numeric else ":---" for i in range(len(headers))]
    return Markdown("\n".join([line(headers), line(rule)] + [line(r) for r in rows]))


def width(text: str) -> int:
    if not _NOT_PLAIN.search(text):
        return len(text)
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def _wrap(cell: str, columns: int) -> list[str]:
    lines: list[str] = []
    for raw in cell.split("\n"):
        if not raw.strip():
            lines.append("")
            continue
        bullet = raw.startswith("- ")
        body = raw[2:] if bullet else raw
        # a hard line break (trailing backslash) must stay at the end of its line
        wrapped = textwrap.wrap(body, columns - (2 if bullet else 0), break_long_words=False, break_on_hyphens=False) or [""]
        lines += [("- " if bullet and i == 0 else "  " if bullet else "") + w for i, w in enumerate(wrapped)]
    return lines


def grid_table(headers: list[str], rows: list[list[str] | str], columns: tuple[int, ...] | None = None) -> Markdown:
    """Left-aligned columns; a row given as one string instead of a list of cells is one cell
    across the whole table. Pandoc takes the columns' relative widths from the source, so the
    columns keep the proportions of `columns` (characters per column) whatever the cells hold:
    a word longer than its column makes the whole table wider in the source, every column by
    the same whole factor, never that one column wider than the others."""
    columns = columns or (GRID_WIDTH,) * len(headers)
    scale = 1
    while True:  # a whole multiple of `columns`, so every table has exactly their proportions
        widths = [(c + 3) * scale - 3 for c in columns]  # Pandoc counts a column with its " | "
        span = sum(widths) + 3 * (len(widths) - 1)
        cells = [[_wrap(row, span)] if isinstance(row, str) else [_wrap(c, widths[i]) for i, c in enumerate(row)]
                 for row in [headers] + rows]
        # a word wider than its column (textwrap never breaks one) widens every column
        over = max([width(line) / widths[i] for row in cells if len(row) > 1 for i in range(len(row)) for line in row[i]]
                   + [width(line) / span for row in cells if len(row) == 1 for line in row[0]])
        if over <= 1:
            break
        scale = max(scale + 1, math.ceil(scale * over))

    def rule(ch):
        return "+" + "+".join(ch * (w + 2) for w in widths) + "+"

    def render(row):
        spans = [span] if len(row) == 1 < len(widths) else widths
        height = max(len(c) for c in row)
        out = []
        for k in range(height):
            parts = []
            for i, lines in enumerate(row):
                text = lines[k] if k < len(lines) else ""
                parts.append(" " + text + " " * (spans[i] - width(text)) + " ")
            out.append("|" + "|".join(parts) + "|")
        return out

    header_rule = "+" + "+".join(":" + "=" * (w + 1) for w in widths) + "+"
    lines = [rule("-")] + render(cells[0]) + [header_rule]
    for row in cells[1:]:
        lines += render(row) + [rule("-")]
    return Markdown("\n".join(lines))
