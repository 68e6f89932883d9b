"""The last guard of a build: every chapter of the book is in every format Quarto wrote.

Markup that swallows the rest of the book is caught before Quarto runs (content/chapters.py);
this catches what slips past it. For each chapter in `_quarto.yml`, its first and last
headings must be in the web page, the PDF and the Word file. Text is compared by its letters
and digits only, so typography (quotes, dashes, hyphenation, numbering) does not matter.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2
from docx import Document

from report.content.chapters import book_chapters, markdown_lines
from report.content.references import chapter_text
from report.data.problems import Problems

_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*(\{[^}]*\})?\s*$")
_MARKUP = re.compile(r"\{\{<.*?>\}\}|\[\^[^\]]*\]|<[^>]+>|&\w+;|\$[^$]*\$")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_NOT_EVERYWHERE = re.compile(r"callout|content-(visible|hidden)|when-format|unless-format|when-profile")


def letters(text: str) -> str:
    """Text as its letters and digits only, case folded: what survives any format's typography."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def chapter_marks(root: Path, chapter: str) -> list[str]:
    """The first and the last heading of a chapter that every format shows, as letters and
    digits (none for a chapter without headings). A heading's shortcodes and link targets are
    left out (their values are not in the source), and so are headings in a callout or in a
    block shown in some formats only."""
    lines = markdown_lines(chapter, chapter_text(Path(root) / chapter), Problems())  # sjekk reports its problems
    headings = []
    for line in lines:
        if (m := _HEADING.match(line.text)) and not any(_NOT_EVERYWHERE.search(d) for d in line.divs):
            text = letters(_MARKUP.sub("", _LINK.sub(r"\1", m.group(2))))
            if text:
                headings.append(text)
    return list(dict.fromkeys(headings[:1] + headings[-1:]))


def _page(staging: Path, chapter: str) -> Path:
    return staging / Path(chapter).with_suffix(".html")


def _texts(staging: Path) -> dict[str, str]:
    """Each format's whole text, as letters and digits: 'PDF' and 'Word' for the merged documents."""
    texts = {}
    for pdf in staging.glob("*.pdf"):
        document = pypdfium2.PdfDocument(pdf)
        try:
            texts["PDF"] = letters("".join(page.get_textpage().get_text_range() for page in document))
        finally:
            document.close()
    for docx in staging.glob("*.docx"):
        body = Document(str(docx)).element.body
        texts["Word"] = letters("".join(t.text or "" for t in body.iter() if t.tag.endswith("}t")))
    return texts


def missing_chapters(root: Path, staging: Path) -> dict[str, list[str]]:
    """Per format ('nettsidene', 'PDF', 'Word'), the chapters whose headings are not all there."""
    root, staging = Path(root), Path(staging)
    marks = {chapter: chapter_marks(root, chapter) for chapter in book_chapters(root)}
    missing: dict[str, list[str]] = {}
    if any(staging.rglob("*.html")):
        for chapter, wanted in marks.items():
            page = _page(staging, chapter)
            text = letters(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))) if page.is_file() else ""
            if not page.is_file() or not all(w in text for w in wanted):
                missing.setdefault("nettsidene", []).append(chapter)
    for form, text in _texts(staging).items():
        gone = [chapter for chapter, wanted in marks.items() if not all(w in text for w in wanted)]
        if gone:
            missing[form] = gone
    return missing
