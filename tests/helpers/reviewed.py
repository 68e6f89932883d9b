"""Test helper: a built report as reviewers send it back.

`review_docx` adds Word comments (one with a reply, linked in commentsExtended.xml as Word does)
and a tracked deletion and insertion to the Word file, by editing its XML; `resave_with_libreoffice`
then lets LibreOffice open and save it, so the file has LibreOffice's shapes. `review_pdf` adds the
annotations Acrobat writes with pypdf: a highlight with QuadPoints and a popup, a reply to it
(/IRT), a sticky note, a strike-out, a text box and a replacement (a Caret and a StrikeOut grouped
with /RT /Group). Both can set the build stamp (`nhsp-stempel`) as `rapport bygg` writes it.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
DATE = "2022-10-13T10:00:00Z"
# (paragraph starting with, text to comment on, comment, author)
DOCX_COMMENTS = [
    ("Planen prioriterer psykisk helsevern", "tverrfaglig spesialisert rusbehandling",
     "Bør vi si noe om ventetiden for barn og unge her?", "Kari Nordmann"),
    ("Ventetiden i psykisk helsevern for barn og unge økte fra", "til 49,6\u00a0døgn i", "Er dette tallet for 2021 riktig?",
     "Ola Nordmann"),
    ("Arbeidsgruppen har levert rapport til Hdir", "Modellbeskrivelse ferdig", "Når ble den publisert?",
     "Kari Nordmann"),
    ("Verdiaksen starter på 30,0", "Kilde: NPR.", "<script>alert(1)</script> \u202egnal " + "lang " * 200, "Per <b>Hacker</b>"),
]
REPLY = ("Ja, vi legger til en setning.", "Ola Nordmann")
DELETED, INSERTED = "ulikt langt", "svært ulikt langt"  # in Sammendrag: a replacement
INSERTED_ALONE = " i hele landet"  # after «prioriterte grupper» in Psykisk helsevern
DELETED_ALONE = "personer med flere kroniske lidelser; "  # in Vedlegg 1
CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxml'
          'formats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/'
          'officeDocument/2006/docPropsVTypes"></Properties>')
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _text(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _split(p, wanted: str):
    """The runs of `p` holding exactly `wanted` (runs split where needed)."""
    runs = [r for r in p.iter(f"{W}r") if r.find(f"{W}t") is not None]
    text = "".join(_text(r) for r in runs)
    start = text.index(wanted)
    end = start + len(wanted)
    out, at = [], 0
    for r in runs:
        t = _text(r)
        a, b = at, at + len(t)
        at = b
        if b <= start or a >= end:
            continue
        pieces = [(t[:max(0, start - a)], False), (t[max(0, start - a):min(len(t), end - a)], True),
                  (t[min(len(t), end - a):], False)]
        made = None
        for piece, inside in pieces:
            if not piece:
                continue
            new = copy.deepcopy(r)
            for old in new.findall(f"{W}t")[1:]:
                new.remove(old)
            new.find(f"{W}t").text = piece
            new.find(f"{W}t").set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            (made if made is not None else r).addnext(new)
            made = new
            if inside:
                out.append(new)
        r.getparent().remove(r)
    return out


def _comment(cid: int, text: str, author: str, para: str):
    c = etree.Element(f"{W}comment", {f"{W}id": str(cid), f"{W}author": author, f"{W}date": DATE,
                                     f"{W}initials": "".join(w[0] for w in author.split() if w)})
    p = etree.SubElement(c, f"{W}p", {f"{W14}paraId": para})
    r = etree.SubElement(p, f"{W}r")
    t = etree.SubElement(r, f"{W}t", {"{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    t.text = text
    return c


def review_docx(src: Path, dest: Path, stamp: str | None = None) -> None:
    parts = {}
    with zipfile.ZipFile(src) as z:
        for info in z.infolist():
            parts[info.filename] = z.read(info.filename)
    doc = etree.fromstring(parts["word/document.xml"])
    comments = etree.fromstring(parts["word/comments.xml"]) if "word/comments.xml" in parts else \
        etree.Element(f"{W}comments", nsmap={"w": W_NS})
    paragraphs = list(doc.iter(f"{W}p"))
    extended = etree.Element(f"{{{W15_NS}}}commentsEx", nsmap={"w15": W15_NS})
    for cid, (start, wanted, text, author) in enumerate(DOCX_COMMENTS):
        p = next(p for p in paragraphs if _text(p).startswith(start) and wanted in _text(p))
        runs = _split(p, wanted)
        ids = [cid] + ([100] if cid == 0 else [])
        for i in ids:
            runs[0].addprevious(etree.Element(f"{W}commentRangeStart", {f"{W}id": str(i)}))
        for i in reversed(ids):
            end = etree.Element(f"{W}commentRangeEnd", {f"{W}id": str(i)})
            runs[-1].addnext(end)
            ref = etree.Element(f"{W}r")
            etree.SubElement(ref, f"{W}commentReference", {f"{W}id": str(i)})
            end.addnext(ref)
        comments.append(_comment(cid, text, author, f"1000000{cid}"))
        etree.SubElement(extended, f"{{{W15_NS}}}commentEx", {f"{{{W15_NS}}}paraId": f"1000000{cid}",
                                                              f"{{{W15_NS}}}done": "0"})
    comments.append(_comment(100, *REPLY, "20000000"))
    etree.SubElement(extended, f"{{{W15_NS}}}commentEx", {f"{{{W15_NS}}}paraId": "20000000",
                                                          f"{{{W15_NS}}}paraIdParent": "10000000",
                                                          f"{{{W15_NS}}}done": "0"})
    p = next(p for p in paragraphs if _text(p).startswith("Helsefellesskapene.") and DELETED in _text(p))
    [run] = _split(p, DELETED)
    deletion = etree.Element(f"{W}del", {f"{W}id": "900", f"{W}author": "Kari Nordmann", f"{W}date": DATE})
    run.addprevious(deletion)
    deletion.append(run)
    run.find(f"{W}t").tag = f"{W}delText"
    insertion = etree.Element(f"{W}ins", {f"{W}id": "901", f"{W}author": "Kari Nordmann", f"{W}date": DATE})
    new = copy.deepcopy(run)
    new.find(f"{W}delText").tag = f"{W}t"
    new.find(f"{W}t").text = INSERTED
    insertion.append(new)
    deletion.addnext(insertion)
    p = next(p for p in paragraphs if _text(p).startswith("Planen prioriterer psykisk helsevern"))
    [run] = _split(p, "prioriterte grupper")
    insertion = etree.Element(f"{W}ins", {f"{W}id": "902", f"{W}author": "Ola Nordmann", f"{W}date": DATE})
    new = copy.deepcopy(run)
    new.find(f"{W}t").text = INSERTED_ALONE
    insertion.append(new)
    run.addnext(insertion)
    p = next(p for p in paragraphs if _text(p).startswith("Planen prioriterer fire pasientgrupper"))
    [run] = _split(p, DELETED_ALONE)
    deletion = etree.Element(f"{W}del", {f"{W}id": "903", f"{W}author": "Ola Nordmann", f"{W}date": DATE})
    run.addprevious(deletion)
    deletion.append(run)
    run.find(f"{W}t").tag = f"{W}delText"
    parts["word/document.xml"] = etree.tostring(doc, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/commentsExtended.xml"] = etree.tostring(extended, xml_declaration=True, encoding="UTF-8",
                                                        standalone=True)
    _relate(parts, "word/commentsExtended.xml", "http://schemas.microsoft.com/office/2011/relationships/"
            "commentsExtended", "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml")
    _relate(parts, "word/comments.xml", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            "comments", "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml")
    if stamp:
        set_docx_stamp(parts, stamp)
    _write(parts, dest)


def _relate(parts: dict, name: str, kind: str, content_type: str) -> None:
    rels = parts["word/_rels/document.xml.rels"].decode("utf-8")
    target = name.removeprefix("word/")
    if f'Target="{target}"' not in rels:
        rels = rels.replace("</Relationships>", f'<Relationship Id="rIdK{len(rels)}" Type="{kind}" '
                                                f'Target="{target}"/></Relationships>')
        parts["word/_rels/document.xml.rels"] = rels.encode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    if f'PartName="/{name}"' not in types:
        types = types.replace("</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>')
        parts["[Content_Types].xml"] = types.encode("utf-8")


def set_docx_stamp(parts: dict, stamp: str) -> None:
    """The custom document property `nhsp-stempel`, as the build writes it."""
    custom = parts.get("docProps/custom.xml", CUSTOM.encode()).decode("utf-8")
    custom = re.sub(r'<property [^>]*name="nhsp-stempel".*?</property>', "", custom, flags=re.S)
    pids = [int(p) for p in re.findall(r'pid="(\d+)"', custom)] or [1]
    prop = (f'<property fmtid="{FMTID}" pid="{max(pids) + 1}" name="nhsp-stempel"><vt:lpwstr>{stamp}</vt:lpwstr>'
            "</property>")
    parts["docProps/custom.xml"] = re.sub(r"</Properties>", prop + "</Properties>", custom).encode("utf-8")
    if "docProps/custom.xml" not in parts.get("_rels/.rels", b"").decode():
        rels = parts["_rels/.rels"].decode().replace(
            "</Relationships>", '<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/officeDocument/'
                                '2006/relationships/custom-properties" Target="docProps/custom.xml"/></Relationships>')
        parts["_rels/.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    if "/docProps/custom.xml" not in types:
        parts["[Content_Types].xml"] = types.replace("</Types>", '<Override PartName="/docProps/custom.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/></Types>').encode()


def _write(parts: dict, dest: Path) -> None:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def resave_with_libreoffice(path: Path, folder: Path) -> Path:
    """`path` opened and saved by LibreOffice as Word (.docx), in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "lo-profil"
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder / "ut"), str(path)],
                   check=True, capture_output=True, timeout=300)
    shutil.rmtree(profile, ignore_errors=True)
    return folder / "ut" / path.name


# --- PDF ------------------------------------------------------------------------------------------

PDF_DATE = "D:20221014091500+02'00'"
HOSTILE = "\x1b[31mrød\x1b[0m\x07 <img src=x onerror=alert(1)> {{< var aar >}} " + "x" * 2000


def _phrase(words, phrase: str):
    """The boxes of the words of `phrase` on a page, or None."""
    tokens = phrase.split()
    texts = [w[4] for w in words]
    for i in range(len(texts) - len(tokens) + 1):
        if texts[i:i + len(tokens)] == tokens:
            return words[i:i + len(tokens)]
    return None


def find_phrase(pages, phrase: str, skip: int = 0):
    """(page index, word boxes) of the first occurrence of `phrase` from page `skip` on."""
    for number, words in enumerate(pages):
        if number >= skip and (found := _phrase(words, phrase)):
            return number, found
    raise AssertionError(f"{phrase!r} is not in the PDF")


def _quads(boxes) -> list[float]:
    """QuadPoints as Acrobat writes them: per line, upper left, upper right, lower left, lower right."""
    lines: dict[float, list] = {}
    for b in boxes:
        lines.setdefault(round(b[1]), []).append(b)
    quads = []
    for line in lines.values():
        x0, x1 = min(b[0] for b in line), max(b[2] for b in line)
        y0, y1 = min(b[1] for b in line), max(b[3] for b in line)
        quads += [x0, y1, x1, y1, x0, y0, x1, y0]
    return quads


def review_pdf(src: Path, dest: Path, stamp: str | None = None) -> None:
    import pypdf
    from pypdf.generic import (ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject,
                               TextStringObject)

    from report.workflow.comments_pdf import _words

    reader = pypdf.PdfReader(src)
    pages = _words(Path(src), reader)
    writer = pypdf.PdfWriter(clone_from=reader)

    def add(number: int, subtype: str, rect, contents: str = "", author: str = "Kari Nordmann", **extra):
        annot = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect), NameObject("/F"): NumberObject(4),
            NameObject("/T"): TextStringObject(author), NameObject("/M"): TextStringObject(PDF_DATE),
            NameObject("/CreationDate"): TextStringObject(PDF_DATE),
            NameObject("/NM"): TextStringObject(f"nhsp-test-{number}-{len(rect)}-{contents[:8]}"),
        })
        if contents:
            annot[NameObject("/Contents")] = TextStringObject(contents)
        for key, value in extra.items():
            annot[NameObject(f"/{key}")] = value
        page = writer.pages[number]
        annot[NameObject("/P")] = page.indirect_reference
        ref = writer._add_object(annot)
        if "/Annots" not in page:
            page[NameObject("/Annots")] = ArrayObject()
        page["/Annots"].get_object().append(ref)
        return ref

    def popup(number: int, parent, rect):
        ref = add(number, "/Popup", [rect[2], rect[1] - 80, rect[2] + 150, rect[1]], author="",
                  Parent=parent, Open=pypdf.generic.BooleanObject(False))
        parent.get_object()[NameObject("/Popup")] = ref

    def markup(subtype: str, phrase: str, contents: str, author: str = "Kari Nordmann", skip: int = 0, **extra):
        number, boxes = find_phrase(pages, phrase, skip)
        quads = _quads(boxes)
        rect = [min(quads[::2]), min(quads[1::2]), max(quads[::2]), max(quads[1::2])]
        ref = add(number, subtype, rect, contents, author, QuadPoints=ArrayObject(FloatObject(v) for v in quads),
                  C=ArrayObject([FloatObject(1), FloatObject(0.8), FloatObject(0)]), **extra)
        popup(number, ref, rect)
        return number, rect, ref

    chapter = find_phrase(pages, "Planen prioriterer psykisk helsevern")[0]
    number, rect, highlight = markup("/Highlight", "tverrfaglig spesialisert rusbehandling",
                                     "Bør vi si noe om ventetiden for barn og unge her?", skip=chapter)
    add(number, "/Text", rect, "Ja, vi legger til en setning.", "Ola Nordmann", IRT=highlight, RT=NameObject("/R"),
        Name=NameObject("/Comment"))
    number, boxes = find_phrase(pages, "Ventetiden i psykisk helsevern for barn og unge økte fra", chapter)
    y = boxes[0][3]
    note = add(number, "/Text", [540, y - 20, 560, y], "Er tallet for 2021 riktig?", "Ola Nordmann",
               Name=NameObject("/Comment"))
    popup(number, note, [540, y - 20, 560, y])
    markup("/StrikeOut", "Modellbeskrivelse ferdig;", "Stryk dette, det står i vedlegget.", skip=chapter)
    add(chapter, "/FreeText", [300, 20, 560, 50], "Hele kapittelet bør kortes ned.",
        DA=TextStringObject("/Helv 10 Tf 0 g"))
    # Acrobat's «replace text»: the Caret holds the new text, the StrikeOut is grouped with it
    number, boxes = find_phrase(pages, "ulikt langt,")
    x1, y0, y1 = boxes[-1][2], boxes[0][1], boxes[0][3]
    caret = add(number, "/Caret", [x1 - 3, y0, x1 + 3, y1], "svært ulikt langt", Sy=NameObject("/P"))
    markup("/StrikeOut", "ulikt langt,", "", IRT=caret, RT=NameObject("/Group"))
    number, boxes = find_phrase(pages, "Planen prioriterer fire pasientgrupper:")
    add(number, "/Text", [20, boxes[0][1], 40, boxes[0][3]], HOSTILE, "Mallory\x1b]0;pwned\x07")
    if stamp:
        writer.add_metadata({"/Keywords": f"nhsp-stempel: {stamp}"})
    with open(dest, "wb") as f:
        writer.write(f)
