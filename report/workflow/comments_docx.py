"""Comments (with replies) and tracked changes in a Word file, as Word and LibreOffice save it.

word/comments.xml holds each comment; word/commentsExtended.xml says which comment answers which
(w15:paraIdParent); word/document.xml holds the anchors (commentRangeStart/End) and the tracked
insertions (w:ins) and deletions (w:del). The build stamp is the custom property `nhsp-stempel`.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree

from report.data.container import safe_container
from report.data.problems import Problems
from report.workflow.comments import STAMP_PROPERTY, Note, Reviewed, ReviewError, find_stamp, iso_date

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15 = "{http://schemas.microsoft.com/office/word/2012/wordml}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
_HEADING = re.compile(r"^(heading|overskrift)\s*(\d)", re.IGNORECASE)
CONTEXT = 60  # characters of the paragraph before an insertion that place it


def _xml(z: zipfile.ZipFile, name: str):
    try:
        return etree.fromstring(z.read(name), _PARSER)
    except KeyError:
        return None


def read_docx(path: Path) -> Reviewed:
    name = path.name
    problems = Problems()
    if safe_container(path, problems) is None:  # not a zip, a zip bomb, XML entities, a broken part
        raise ReviewError(f"«{name}» kan ikke leses: filen er skadet eller ikke et Word-dokument. "
                          "Be om en ny kopi, eller åpne den i Word og lagre den på nytt som .docx.")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "word/document.xml" not in names:
                what = "et regneark" if "xl/workbook.xml" in names else (
                    "en presentasjon" if "ppt/presentation.xml" in names else (
                        "et OpenDocument-dokument" if "content.xml" in names else "ikke et Word-dokument"))
                raise ReviewError(f"«{name}» er {what}, ikke en Word-fil (.docx) eller en PDF, og kommentarene "
                                  "i den kan ikke leses. Be om filen som .docx eller PDF.")
            document = _xml(z, "word/document.xml")
            comments = _xml(z, "word/comments.xml")
            extended = _xml(z, "word/commentsExtended.xml")
            styles = _xml(z, "word/styles.xml")
            custom = _xml(z, "docProps/custom.xml")
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        if isinstance(e, ReviewError):
            raise
        raise ReviewError(f"«{name}» kan ikke leses: filen er skadet (XML-en i den er ødelagt). "
                          "Be om en ny kopi, eller åpne den i Word og lagre den på nytt.") from None
    stamp = _stamp(custom)
    body, anchors, changes = _walk(document, _heading_styles(styles))
    notes = _comments(comments, extended, anchors) + changes
    notes.sort(key=lambda n: n.order)
    return Reviewed(path, stamp, notes, body)


def _stamp(custom) -> str | None:
    if custom is None:
        return None
    for prop in custom:
        if prop.get("name") == STAMP_PROPERTY:
            return find_stamp("".join(prop.itertext()))
    return None


def _heading_styles(styles) -> dict[str, int]:
    """The style IDs of headings and their level: «Heading 1» (Word, LibreOffice) or «Overskrift 1»."""
    found = {f"Heading{i}": i for i in range(1, 10)}
    if styles is not None:
        for style in styles.iter(f"{W}style"):
            name = style.find(f"{W}name")
            m = _HEADING.match(name.get(f"{W}val", "")) if name is not None else None
            if m:
                found[style.get(f"{W}styleId")] = int(m.group(2))
    return found


def _walk(document, headings: dict[str, int]):
    """The body's text, each comment's anchor (text, paragraph, heading, order) and the tracked changes."""
    anchors: dict[str, dict] = {}
    open_ranges: list[str] = []
    changes: list[Note] = []
    paragraphs: list[str] = []
    heading = chapter = ""
    order = 0
    body = document.find(f"{W}body") if document is not None else None
    for p in body.iter(f"{W}p") if body is not None else []:
        if p.getparent() is not None and p.getparent().tag == f"{W}comment":
            continue
        style = p.find(f"{W}pPr/{W}pStyle")
        level = headings.get(style.get(f"{W}val")) if style is not None else None
        original: list[str] = []  # the paragraph as it was: kept and deleted text
        pending: list[tuple[str, Note, int]] = []
        touched = set(open_ranges)
        for el in p.iter(f"{W}t", f"{W}delText", f"{W}tab", f"{W}br", f"{W}commentRangeStart",
                         f"{W}commentRangeEnd", f"{W}ins", f"{W}del"):
            tag = el.tag
            if tag == f"{W}commentRangeStart":
                cid = el.get(f"{W}id")
                order += 1
                anchors[cid] = {"text": [], "heading": heading, "chapter": chapter, "order": order, "paragraphs": [],
                                "at": (len(paragraphs), len("".join(original)))}
                open_ranges.append(cid)
                touched.add(cid)
            elif tag == f"{W}commentRangeEnd":
                cid = el.get(f"{W}id")
                if cid in open_ranges:
                    open_ranges.remove(cid)
            elif tag in (f"{W}ins", f"{W}del"):
                text = "".join(t.text or "" for t in el.iter(f"{W}t", f"{W}delText"))
                if not text.strip():
                    continue  # a paragraph mark or formatting
                order += 1
                kind = "innsetting" if tag == f"{W}ins" else "sletting"
                note = Note(kind, text if kind == "innsetting" else "", text if kind == "sletting" else "",
                            el.get(f"{W}author", ""), iso_date(el.get(f"{W}date")), heading=heading, chapter=chapter,
                            order=order)
                pending.append((kind, note, len("".join(original))))
            else:
                piece = (el.text or "") if tag in (f"{W}t", f"{W}delText") else " "
                inserted = any(a.tag == f"{W}ins" for a in el.iterancestors(f"{W}ins"))
                if not inserted:
                    original.append(piece)
                for cid in open_ranges:
                    anchors[cid]["text"].append(piece)
        text = "".join(original)
        for cid in sorted(touched):
            anchors[cid]["paragraphs"].append(text)
        changes += _changes(pending, text)
        if level and text.strip():
            heading = " ".join(text.split())
            chapter = heading if level == 1 else chapter
        paragraphs.append(text)
    return "\n".join(paragraphs), anchors, changes


def _changes(pending: list[tuple[str, Note, int]], text: str) -> list[Note]:
    """The paragraph's tracked changes; a deletion followed by an insertion by the same author is
    one replacement. An insertion is placed by the text before it."""
    out: list[Note] = []
    for kind, note, at in pending:
        note.context = text
        previous = out[-1] if out else None
        if (kind == "innsetting" and previous is not None and previous.kind == "sletting"
                and previous.author == note.author):
            previous.kind, previous.text = "erstatning", note.text
            previous.deleted = previous.quote
            continue
        if kind == "innsetting":
            before = text[:at].rstrip()
            note.quote = before[-CONTEXT:].split(" ", 1)[-1] if len(before) > CONTEXT else before
        out.append(note)
    return out


def _comments(comments, extended, anchors: dict[str, dict]) -> list[Note]:
    if comments is None:
        return []
    by_id: dict[str, Note] = {}
    para_of: dict[str, str] = {}  # paragraph ID in comments.xml → comment ID
    last_para: dict[str, str] = {}  # comment ID → its last paragraph's ID
    for c in comments.iter(f"{W}comment"):
        cid = c.get(f"{W}id")
        paragraphs = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in c.iter(f"{W}p")]
        for p in c.iter(f"{W}p"):
            pid = p.get(f"{W14}paraId")
            if pid:
                para_of[pid] = cid
                last_para[cid] = pid
        anchor = anchors.get(cid, {})
        quote = " ".join("".join(anchor.get("text", [])).split())
        by_id[cid] = Note("kommentar", "\n".join(paragraphs).strip(), quote, c.get(f"{W}author", ""),
                          iso_date(c.get(f"{W}date")), " ".join(anchor.get("paragraphs", [])),
                          anchor.get("heading", ""), anchor.get("chapter", ""), anchor.get("order", 10**6 + len(by_id)))
    parent_of: dict[str, str] = {}
    if extended is not None:
        for ex in extended.iter(f"{W15}commentEx"):
            child, parent = para_of.get(ex.get(f"{W15}paraId")), para_of.get(ex.get(f"{W15}paraIdParent"))
            if child and parent and child != parent:
                parent_of[child] = parent
    if not parent_of:  # LibreOffice keeps no thread: an answer is a later comment on the very same text
        first: dict[tuple, str] = {}
        for cid in by_id:
            anchor = anchors.get(cid)
            if anchor:
                key = (anchor["at"], by_id[cid].quote)
                if key in first:
                    parent_of[cid] = first[key]
                else:
                    first[key] = cid
    top = []
    for cid, note in by_id.items():
        root = cid
        seen = {cid}
        while root in parent_of and parent_of[root] not in seen:
            root = parent_of[root]
            seen.add(root)
        if root != cid and root in by_id:
            by_id[root].replies.append(note)
        else:
            top.append(note)
    for note in top:
        note.replies.sort(key=lambda r: (r.date or iso_date("1900-01-01"), r.order))
    return top
