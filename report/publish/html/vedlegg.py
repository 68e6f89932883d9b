"""Vedlegg 1 … Vedlegg 7 in the HTML book's navigation.

Quarto letters the appendices. The project's filters (_extensions/nhsp/vedlegg*.lua) number
everything Pandoc writes: headings, captions, cross-references and the page title. What is left
is the chapter number Quarto's own code writes around the pages,
`<span class="chapter-number">B</span>`, in the sidebar, the breadcrumbs, the previous/next
links («Vedlegg 2» there, where the number stands alone) and the search index's crumbs. Only
that markup is changed; a chapter number of a letter is always an appendix's (chapters are
numbered 1, 2, …), so running this twice changes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

SEARCH_INDEX = "search.json"
APPENDIX = "Vedlegg"  # `crossref: appendix-title` in _quarto.yml
# pages use double quotes, the search index's crumbs single ones
CHAPTER_NUMBER = re.compile(r"""(<span class=(["'])chapter-number\2>)([A-Z])(</span>)""")
# the previous/next links under a page stand alone: «Vedlegg 2», not «2» (chapter 2)
NAV_PAGE_TEXT = '<span class="nav-page-text">'


def _numbered(text: str) -> str:
    def number(m: re.Match) -> str:
        label = APPENDIX + " " if text.endswith(NAV_PAGE_TEXT, 0, m.start()) else ""
        return f"{m[1]}{label}{ord(m[3]) - ord('A') + 1}{m[4]}"

    return CHAPTER_NUMBER.sub(number, text)


def number_appendices(output_dir: Path) -> int:
    """Rewrites the appendix letters in every page and the search index; returns the number of files changed."""
    changed = 0
    for page in sorted(Path(output_dir).rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if (new := _numbered(text)) != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    search = Path(output_dir) / SEARCH_INDEX
    if search.is_file():
        entries = json.loads(search.read_text(encoding="utf-8"))
        before = [entry.get("crumbs") for entry in entries]
        for entry in entries:
            if entry.get("crumbs"):
                entry["crumbs"] = [_numbered(crumb) for crumb in entry["crumbs"]]
        if [entry.get("crumbs") for entry in entries] != before:
            search.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
            changed += 1
    return changed
