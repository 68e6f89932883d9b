"""What reviewers send back: the comments, tracked changes and annotations in a Word file or a PDF,
each with the text it is anchored to and the nearest heading above it in the document.

The readers (`comments_docx`, `comments_pdf`, chosen by `feedback.read`) give `Note`s; `placing`
maps each to its source. A file that is not Word or PDF, is encrypted or damaged raises
`ReviewError` with a message in bokmål for the writer.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

STAMP_PROPERTY = "nhsp-stempel"  # docProps/custom.xml in the Word file; «nhsp-stempel: …» in the PDF's keywords
_STAMP = re.compile(r"(\d{1,2}\.\d{1,2}\.\d{4} \d{1,2}:\d{2}) · ([0-9a-f]{10})")
LONG = 500  # characters of a comment shown before it is cut with «…»

KIND_WORDS = {
    "kommentar": "kommentar", "innsetting": "satt inn", "sletting": "slettet", "erstatning": "erstattet",
    "notat": "notat", "markering": "markering", "overstreking": "overstreking", "tekstboks": "tekstboks",
    "understreking": "understreking",
}


class ReviewError(Exception):
    """A file that cannot be read as a reviewed report; the message is for the writer."""


@dataclass
class Note:
    """One comment, tracked change or annotation, with what it is anchored to."""

    kind: str  # a key of KIND_WORDS
    text: str  # what the reviewer wrote (for a tracked change: the new text)
    quote: str  # the report's text it is anchored to (for an insertion: the text before it)
    author: str = ""
    date: dt.date | None = None
    context: str = ""  # the paragraph or line the quote stands in
    heading: str = ""  # the nearest heading above it in the document
    chapter: str = ""  # the chapter's heading above it (the last top-level heading)
    order: int = 0  # its place in the file
    replies: list[Note] = field(default_factory=list)
    deleted: str = ""  # for a replacement: the text taken out


@dataclass
class Reviewed:
    """One reviewer's file."""

    path: Path
    stamp: str | None  # «30.11.2026 03:40 · bba35a2410», or None when the file has none
    notes: list[Note]
    body: str  # the document's text, to tell whether it is this report at all

    @property
    def checksum(self) -> str | None:
        m = _STAMP.search(self.stamp or "")
        return m.group(2) if m else None


def squash(text: str) -> str:
    """The letters and digits of `text`, case folded: the form texts are compared in, so line breaks,
    hyphenation, soft hyphens, no-break spaces, quotes and markdown escapes do not count."""
    return "".join(ch.casefold() for ch in text if ch.isalnum())


def find_stamp(text: str | None) -> str | None:
    """The build stamp in a property or a keywords entry («nhsp-stempel: 30.11.2026 03:40 · bba35a2410»)."""
    if not text:
        return None
    after = text.split(f"{STAMP_PROPERTY}:", 1)[-1] if f"{STAMP_PROPERTY}:" in text else text
    m = _STAMP.search(after)
    return f"{m.group(1)} · {m.group(2)}" if m else None


def safe(text: str, limit: int = LONG, lines: bool = False) -> str:
    """Text from a reviewer's file as it may be shown: control characters and direction marks
    escaped (\\x1b, \\u202e), line breaks kept (`lines`) or shown as « / », very long text cut with «…»."""
    out = []
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    for ch in text:
        if ch == "\n":
            out.append("\n" if lines else " / ")
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch not in "\u00ad\u200b":
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        elif ch in "\u00ad\u200b":
            continue
        else:
            out.append(ch)
    shown = "".join(out).strip()
    if len(shown) > limit:
        shown = shown[:limit - 1].rstrip() + "…"
    return shown


def norwegian_date(date: dt.date | None) -> str:
    return f"{date:%d.%m.%Y}" if date else ""


def iso_date(text: str | None) -> dt.date | None:
    """Word's w:date (2022-10-13T10:00:00Z) as a date."""
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", text or "")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def pdf_date(text: str | None) -> dt.date | None:
    """A PDF date (D:20221013100000+02'00') as a date."""
    m = re.match(r"\s*(?:D:)?(\d{4})(\d{2})(\d{2})", str(text or ""))
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None
