"""Vedlegg 1 … Vedlegg 7 in the HTML book's navigation, and unique labels in references to them.

Quarto letters the appendices. The project's filters (_extensions/nhsp/vedlegg*.lua) number
everything Pandoc writes: headings, captions, the page title, and references within a page.
What is left is what Quarto's own code writes around and into the pages after Pandoc:

* the chapter number `<span class="chapter-number">B</span>` in the sidebar, the breadcrumbs,
  the previous/next links and the search index's crumbs: «Vedlegg 2», as the PDF's and the
  Word file's contents have it (a «2» alone would be chapter 2); a chapter number of a letter
  is always an appendix's (chapters are 1, 2, …);
* references from one page to another's table, figure or section, which Quarto resolves from
  its index: into an appendix they read «Tabell 2.1», «Seksjon 2.1» (the appendix pages are
  numbered in digits), the labels of chapter 2. They become «Tabell V2.1» and «Vedlegg 2», as
  the filters write them in the PDF and the Word file (an appendix's sections are unnumbered).

Only that markup is changed, so running this twice changes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

SEARCH_INDEX = "search.json"
APPENDIX = "Vedlegg"  # `crossref: appendix-title` in _quarto.yml
APPENDIX_PREFIX = "V"  # «Tabell V2.1»: the same as _extensions/nhsp/vedlegg.lua
# pages use double quotes, the search index's crumbs single ones
CHAPTER_NUMBER = re.compile(r"""(<span class=(["'])chapter-number\2>)([A-Z])(</span>)""")
# a sidebar entry of an appendix, before its letter is numbered
SIDEBAR_APPENDIX = re.compile(r'<a href="([^"#]+)" class="sidebar-item-text sidebar-link">\s*'
                              r'<span class="menu-text"><span class="chapter-number">[A-Z]</span>')
# a reference Quarto resolved: <a href="page.html#tbl-x" class="quarto-xref">Tabell&nbsp;<span>2.1</span></a>
XREF = re.compile(r'(<a href="([^"#]*)#(sec|tbl|fig)-[^"]*" class="quarto-xref">)(.*?)(</a>)', re.S)
# the number in it, with the word before it when there is one («Seksjon 2.1»); never «V2.1»
LABEL = re.compile(r"(?:([^\W\d]+)(?: |&nbsp;|\u00a0)(?:<span>)?)?(?<![\w.])(\d+)((?:\.\d+)+)(?![\w.])")


def _numbered(text: str) -> str:
    return CHAPTER_NUMBER.sub(lambda m: f"{m[1]}{APPENDIX} {ord(m[3]) - ord('A') + 1}{m[4]}", text)


def _page_name(href: str) -> str:
    return href.rsplit("/", 1)[-1]


def _references_numbered(text: str, page: str, appendices: set[str]) -> str:
    """References into an appendix page: «Tabell V2.1», «Figur V3.1»; to its sections «Vedlegg 2»."""
    def reference(m: re.Match) -> str:
        if _page_name(m[2] or page) not in appendices:
            return m[0]

        def label(n: re.Match) -> str:
            if m[3] != "sec":
                return n[0].replace(n[2] + n[3], APPENDIX_PREFIX + n[2] + n[3])
            if n[1] is None:  # `[-@sec-…]`: the number alone
                return n[2]
            return n[0][:n.start(2) - n.start()].replace(n[1], APPENDIX, 1) + n[2]

        return m[1] + LABEL.sub(label, m[4]) + m[5]

    return XREF.sub(reference, text)


def number_appendices(output_dir: Path) -> int:
    """Rewrites the appendix letters and references in every page and the search index; returns
    the number of files changed."""
    pages = {page: page.read_text(encoding="utf-8") for page in sorted(Path(output_dir).rglob("*.html"))}
    appendices = {_page_name(href) for text in pages.values() for href in SIDEBAR_APPENDIX.findall(text)}
    changed = 0
    for page, text in pages.items():
        new = _numbered(_references_numbered(text, page.name, appendices) if appendices else text)
        if new != text:
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
