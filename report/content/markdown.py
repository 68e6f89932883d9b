"""Spreadsheet text as Pandoc markdown that can only ever be read back as that text.

Every ASCII punctuation character is backslash-escaped, so nothing in a cell can start
emphasis, a link, a raw block (`{=html}`), a span, a footnote, a citation or cross-reference,
a table pipe, a heading, a list, a fence or a Quarto shortcode (`{{<` never survives in the
source). Leading spaces are dropped so no line becomes code.
"""

from __future__ import annotations

import re
import string

from report.content.norsk import dates_in_text, quotes

_ESCAPE = {ord(c): "\\" + c for c in string.punctuation}
_BULLET = re.compile(r"^\s*[-•*–]\s+")
_SPACES = re.compile(r"[^\S\u00a0\u202f]+")  # whitespace other than the no-break spaces


class Markdown(str):
    """Text that is already safe markdown; templates insert it as it is."""


def inline(text: object) -> Markdown:
    """One line of literal text: newlines become spaces, quotation marks «», ISO dates in words,
    all punctuation escaped."""
    if isinstance(text, Markdown):
        return text
    line = " ".join(_SPACES.split(str(text).strip()))  # no-break spaces kept: "16 000", "49,6 %"
    return Markdown(dates_in_text(quotes(line)).translate(_ESCAPE))


def blocks(text: object) -> Markdown:
    """Multi-line free text: blank lines split paragraphs, "- "/"• " lines become a bullet list,
    other line breaks are kept as hard line breaks."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", str(text).strip()):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        items: list[str] = []
        plain: list[str] = []
        for ln in lines:
            if _BULLET.match(ln):
                if plain:
                    out.append("\\\n".join(inline(p) for p in plain))
                    plain = []
                items.append("- " + inline(_BULLET.sub("", ln)))
            else:
                if items:
                    out.append("\n".join(items))
                    items = []
                plain.append(ln)
        if plain:
            out.append("\\\n".join(inline(p) for p in plain))
        if items:
            out.append("\n".join(items))
    return Markdown("\n\n".join(out))
