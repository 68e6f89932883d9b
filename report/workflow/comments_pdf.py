"""Annotations in a PDF, as Acrobat, Preview and Edge write them: notes (Text), highlights,
strike-outs, underlines, text boxes (FreeText) and insertions (Caret), with replies (/IRT) and
Acrobat's replacements (a Caret and a StrikeOut grouped with /RT /Group).

The text under a markup annotation is the words inside its QuadPoints; the words and their boxes
come from poppler (`pdftotext -bbox`), or from pypdf where poppler is missing. The nearest heading
is the last bookmark (outline entry) above the annotation. The build stamp is the keywords entry
`nhsp-stempel: …`.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
from pathlib import Path

from report.workflow.comments import STAMP_PROPERTY, Note, Reviewed, ReviewError, find_stamp, pdf_date, squash

KINDS = {"/Text": "notat", "/Highlight": "markering", "/StrikeOut": "overstreking", "/Underline": "understreking",
         "/Squiggly": "understreking", "/FreeText": "tekstboks", "/Caret": "innsetting"}
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
Word = tuple[float, float, float, float, str]  # x0, y0, x1, y1 in PDF coordinates (y up), text


def read_pdf(path: Path) -> Reviewed:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    name = path.name
    damaged = ReviewError(f"«{name}» kan ikke leses: PDF-en er skadet. Be om en ny kopi av filen.")
    encrypted = ReviewError(f"«{name}» er kryptert (beskyttet med passord), og kommentarene i den kan ikke leses. "
                            "Be avsenderen lagre den uten passord, eller sende Word-filen.")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings about a sloppy file are not the writer's
    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):  # restrictions only (no password to open) can be read
                    raise encrypted
            except (DependencyError, FileNotDecryptedError, NotImplementedError):
                raise encrypted from None
        pages = list(reader.pages)
        if not pages:
            raise damaged
        meta = reader.metadata or {}
        stamp = find_stamp(str(meta.get("/Keywords") or "")) if STAMP_PROPERTY in str(meta.get("/Keywords") or "") \
            else None
        outline = _outline(reader)
        words = _words(path, reader)
        notes = _annotations(pages, words, outline)
    except ReviewError:
        raise
    except (DependencyError, FileNotDecryptedError):
        raise encrypted from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError):
        raise damaged from None
    body = "\n".join(" ".join(w[4] for w in page) for page in words)
    return Reviewed(path, stamp, notes, body)


def _outline(reader) -> list[tuple[int, float, str, int]]:
    """(page, top, title, depth) of every bookmark, in order."""
    found: list[tuple[int, float, str, int]] = []

    def walk(items, depth: int = 0) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
                continue
            try:
                page = reader.get_destination_page_number(item)
            except Exception:  # a bookmark to nowhere
                continue
            top = item.get("/Top")
            found.append((page, float(top) if top is not None else 1e9, str(item.title or "").strip(), depth))

    try:
        walk(reader.outline)
    except Exception:  # a broken outline only costs the headings
        return []
    return sorted(found, key=lambda f: (f[0], -f[1]))


def _words(path: Path, reader) -> list[list[Word]]:
    """Each page's words with their boxes, in reading order."""
    heights = [float(p.mediabox.top) for p in reader.pages]
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        try:
            out = subprocess.run([pdftotext, "-bbox", str(path), "-"], capture_output=True, timeout=300,
                                 check=True).stdout.decode("utf-8", "replace")
            pages = out.split("<page ")[1:]
            if len(pages) == len(heights):
                return [[(float(a), h - float(d), float(c), h - float(b), html.unescape(t))
                         for a, b, c, d, t in _WORD.findall(page)] for page, h in zip(pages, heights)]
        except (subprocess.SubprocessError, OSError):
            pass
    return [_pypdf_words(page) for page in reader.pages]


def _pypdf_words(page) -> list[Word]:
    """Words placed by the text matrix pypdf reports for each piece of text (less exact than poppler)."""
    pieces: list[Word] = []

    def visit(text, cm, tm, font, size):
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        scale = abs(size * tm[0] * cm[0]) or 10
        for word in text.split():
            width = len(word) * scale * 0.5
            pieces.append((x, y, x + width, y + scale * 0.8, word))
            x += width + scale * 0.25

    page.extract_text(visitor_text=visit)
    return pieces


def _inside(word: Word, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (word[0] + word[2]) / 2, (word[1] + word[3]) / 2
    return box[0] - 1 <= cx <= box[2] + 1 and box[1] - 1 <= cy <= box[3] + 1


def _boxes(annot) -> list[tuple[float, float, float, float]]:
    quads = annot.get("/QuadPoints")
    if quads:
        q = [float(v) for v in quads]
        return [(min(q[i:i + 8:2]), min(q[i + 1:i + 8:2]), max(q[i:i + 8:2]), max(q[i + 1:i + 8:2]))
                for i in range(0, len(q) - 7, 8)]
    rect = annot.get("/Rect")
    if not rect:
        return []
    xs, ys = sorted(float(v) for v in rect[::2]), sorted(float(v) for v in rect[1::2])
    return [(xs[0], ys[0], xs[-1], ys[-1])]


def _lines(words: list[Word], boxes) -> str:
    """The whole lines the boxes stand on: what a sticky note or an insertion is placed by."""
    if not boxes:
        return ""
    low, high = min(b[1] for b in boxes), max(b[3] for b in boxes)
    return " ".join(w[4] for w in words if low - 2 <= (w[1] + w[3]) / 2 <= high + 2)


def _annotations(pages, words: list[list[Word]], outline) -> list[Note]:
    notes: dict[int, Note] = {}
    links: list[tuple[int, int, str]] = []  # (annotation, the one it answers, /RT)
    order = 0
    for number, page in enumerate(pages):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            kind = KINDS.get(str(annot.get("/Subtype")))
            if kind is None:
                continue  # a link, a popup window, a form field
            order += 1
            key = getattr(ref, "idnum", None) or -order
            boxes = _boxes(annot)
            page_words = words[number] if number < len(words) else []
            under = " ".join(w[4] for w in page_words if any(_inside(w, b) for b in boxes))
            line = _lines(page_words, boxes)
            top = max((b[3] for b in boxes), default=0.0)
            above = [(t, d) for p, y, t, d in outline if (p, -y) <= (number, -top - 2)]
            heading = above[-1][0] if above else ""
            chapter = next((t for t, d in reversed(above) if d == 0), "")
            contents = str(annot.get("/Contents") or "").strip()
            if kind == "tekstboks" and squash(under) in squash(contents):  # a reader drew the box's own text
                under = ""
            quote = under if kind in ("markering", "overstreking", "understreking", "tekstboks") else line
            line = "" if kind == "tekstboks" and not under else line
            note = Note(kind, contents, " ".join(quote.split()), str(annot.get("/T") or "").strip(),
                        pdf_date(annot.get("/M") or annot.get("/CreationDate")), line, heading, chapter, order)
            notes[key] = note
            irt = annot.get("/IRT")
            if irt is not None:
                links.append((key, getattr(irt, "idnum", None) or id(irt), str(annot.get("/RT") or "/R")))
    top = dict(notes)
    for child, parent, relation in links:
        if parent not in notes or child not in notes or child == parent:
            continue
        a, b = notes[parent], notes[child]
        top.pop(child, None)
        if relation == "/Group":  # Acrobat's «replace text»: a Caret with the new text, a StrikeOut on the old
            caret, strike = (a, b) if a.kind == "innsetting" else (b, a)
            a.kind, a.deleted = "erstatning", strike.quote
            a.text = caret.text or strike.text
            a.quote, a.context = strike.quote, strike.context
        else:
            a.replies.append(b)
    result = sorted(top.values(), key=lambda n: n.order)
    for note in result:
        note.replies.sort(key=lambda r: r.order)
    return result
