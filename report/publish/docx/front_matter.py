"""The Word file's front matter: the cover, and the table of contents written out so that it is
there when the file opens.

Word fills a TOC field only when asked to (`updateFields`, which makes it ask the reader on
opening whether to update fields that «may refer to other files»). Instead the field's result is
written here: one entry per heading of levels 1–2, each a link to a bookmark on its heading, with
its page number from a layout of the finished file by LibreOffice when LibreOffice is on the
machine (the PDF it writes has an outline with every heading's page). The field stays a field:
a reader can update it in Word (right-click › Oppdater felt).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from pypdf import PdfReader

from report.content.norsk import format_date
from report.data.config import Config
from report.publish.complete import letters

COVER_MARK = "nhsp_forside"
COLOPHON = "Om rapporten"  # the heading index.qmd's colophon starts with
LOGO = "logo.png"  # in figures/
LEVELS = 2  # as the PDF (outline depth: 2 in the Typst template) and the web pages (toc-depth)
INSTRUCTION = f' TOC \\o "1-{LEVELS}" \\h \\z \\u '
_BOOKMARK = "_Toc"  # Word's own prefix for the bookmarks its contents link to
_FIRST_ID = 9100  # bookmark ids of our own, apart from Pandoc's
_TEXT_WIDTH = Cm(16)  # the portrait page's text width (A4, 2,5 cm margins)


def _el(tag: str, text: str | None = None, **attrs) -> OxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), value)
    if text is not None:
        element.text = text
        if tag in ("w:t", "w:instrText"):
            element.set(qn("xml:space"), "preserve")
    return element


def _run(child) -> OxmlElement:
    run = _el("w:r")
    run.append(child)
    return run


def add_cover_and_contents(doc, config: Config) -> None:
    body = doc.element.body
    if any(b.get(qn("w:name")) == COVER_MARK for b in body.iter(qn("w:bookmarkStart"))):
        return
    # Pandoc's own title block is replaced by the cover page.
    for p in list(body.findall(qn("w:p"))):
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is None or style.get(qn("w:val")) not in ("Title", "Subtitle", "Author", "Date"):
            break
        body.remove(p)
    first = body[0]
    new = []
    for text, style in ((config.title, "Title"), (f"Statusrapport {config.year}", "Subtitle"),
                        (config.author, "Author"), (format_date(config.date), "Date")):
        p = doc.add_paragraph(text, style=style if style in [s.name for s in doc.styles] else None)
        new.append(p)
    logo = Path(config.root) / "figures" / LOGO
    if logo.is_file():  # above the title, as on the PDF's cover (Word takes PNG, not SVG)
        p = doc.add_paragraph()
        p.add_run().add_picture(str(logo), width=Cm(5))
        p.paragraph_format.space_after = Cm(2)
        p._p.find(f".//{qn('wp:docPr')}").set("descr", f"{config.author} (logo)")
        new.insert(0, p)
    new[0]._p.insert(0, _el("w:bookmarkStart", **{"w:id": "9001", "w:name": COVER_MARK}))
    new[0]._p.append(_el("w:bookmarkEnd", **{"w:id": "9001"}))
    colophon = _colophon(body)
    heading = doc.add_paragraph("Innhold", style="TOC Heading" if "TOC Heading" in [s.name for s in doc.styles] else None)
    heading.paragraph_format.page_break_before = True
    # No page break after the contents: every chapter heading starts a page (reference document).
    ensure_styles(doc)
    for p in [n._p for n in new] + colophon + [heading._p]:
        first.addprevious(p)
    for p in entries(headings(body), None):  # «Om rapporten» among them, in its new place
        first.addprevious(p)


def _colophon(body) -> list:
    """«Om rapporten» (the end of the foreword in the chapters) on its own page after the cover,
    as in the PDF: its heading and what follows, up to the next chapter, taken out of the body."""
    start = next((p for p in body.iter(qn("w:p")) if _level(p) and paragraph_text(p) == COLOPHON), None)
    if start is None:
        return []
    moved = [start]
    while (nxt := moved[-1].getnext()) is not None and nxt.tag != qn("w:sectPr") and _level(nxt) != 1:
        moved.append(nxt)
    for element in moved:
        body.remove(element)
    start.get_or_add_pPr().pageBreakBefore_val = True
    return moved


def _level(paragraph) -> int | None:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    value = style.get(qn("w:val"), "") if style is not None else ""
    if value.startswith("Heading") and value[7:].isdigit() and 1 <= int(value[7:]) <= LEVELS:
        return int(value[7:])
    return None


def paragraph_text(paragraph) -> str:
    """The paragraph's text, without the spaces at its ends; "" for none."""
    if paragraph is None:
        return ""
    return "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip()


def headings(body) -> list[tuple[int, str, str]]:
    """(level, text, bookmark) of each heading in the body, a bookmark put on each that lacks one."""
    found = []
    for number, paragraph in enumerate(p for p in body.iter(qn("w:p")) if _level(p)):
        name = f"{_BOOKMARK}{number + 1}"
        if not any(b.get(qn("w:name")) == name for b in paragraph.iter(qn("w:bookmarkStart"))):
            ppr = paragraph.find(qn("w:pPr"))
            ppr.addnext(_el("w:bookmarkStart", **{"w:id": str(_FIRST_ID + number), "w:name": name}))
            paragraph.append(_el("w:bookmarkEnd", **{"w:id": str(_FIRST_ID + number)}))
        found.append((_level(paragraph), paragraph_text(paragraph), name))
    return found


def ensure_styles(doc) -> None:
    """Word's «toc 1» … styles (style ids TOC1 …): indented per level, page numbers at the right
    margin after a dotted leader."""
    names = {s.style_id for s in doc.styles}
    for level in range(1, LEVELS + 1):
        if f"TOC{level}" in names:
            continue
        style = doc.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = f"TOC{level}"
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        style.paragraph_format.space_after = Cm(0.1)
        style.font.bold = level == 1
        tabs = style.element.get_or_add_pPr()
        tab_list = _el("w:tabs")
        tab_list.append(_el("w:tab", **{"w:val": "right", "w:leader": "dot", "w:pos": str(int(_TEXT_WIDTH.twips))}))
        tabs.insert(0, tab_list)


def entries(items: list[tuple[int, str, str]], pages: list | None) -> list:
    """The contents as paragraphs: the TOC field begins in the first and ends in the last."""
    paragraphs = []
    for index, (level, text, bookmark) in enumerate(items):
        p = _el("w:p")
        ppr = _el("w:pPr")
        ppr.append(_el("w:pStyle", **{"w:val": f"TOC{level}"}))
        p.append(ppr)
        if index == 0:
            p.append(_run(_el("w:fldChar", **{"w:fldCharType": "begin"})))
            p.append(_run(_el("w:instrText", INSTRUCTION)))
            p.append(_run(_el("w:fldChar", **{"w:fldCharType": "separate"})))
        link = _el("w:hyperlink", **{"w:anchor": bookmark, "w:history": "1"})
        link.append(_run(_el("w:t", text)))
        if pages is not None:
            link.append(_run(_el("w:tab")))
            link.append(_run(_el("w:fldChar", **{"w:fldCharType": "begin"})))
            link.append(_run(_el("w:instrText", f" PAGEREF {bookmark} \\h ")))
            link.append(_run(_el("w:fldChar", **{"w:fldCharType": "separate"})))
            link.append(_run(_el("w:t", str(pages[index]))))
            link.append(_run(_el("w:fldChar", **{"w:fldCharType": "end"})))
        p.append(link)
        paragraphs.append(p)
    if paragraphs:
        paragraphs[-1].append(_run(_el("w:fldChar", **{"w:fldCharType": "end"})))
    return paragraphs


def layout_pages(path: Path, items: list[tuple[int, str, str]]) -> list[int] | None:
    """Each heading's page as LibreOffice lays out the Word file at `path`; None without
    LibreOffice, or when its outline does not match the headings one for one."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profil").as_uri()  # its own profile: a LibreOffice the writer has open is not disturbed
        try:
            subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                            "--outdir", tmp, str(path)], capture_output=True, timeout=300, check=True)
            reader = PdfReader(Path(tmp) / f"{Path(path).stem}.pdf")
            outline = []

            def walk(entries):
                for entry in entries:
                    if isinstance(entry, list):
                        walk(entry)
                    else:
                        outline.append((letters(entry.title), reader.get_destination_page_number(entry) + 1))

            walk(reader.outline)
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
    wanted = [letters(text) for _, text, _ in items]
    pages, at = [], 0
    for text in wanted:  # in order; the outline may hold deeper headings between them
        while at < len(outline) and outline[at][0] != text:
            at += 1
        if at == len(outline):
            return None
        pages.append(outline[at][1])
        at += 1
    return pages


def number_contents(doc) -> bool:
    """Give the document's contents its page numbers, from LibreOffice's layout of it with room
    for them («00»); left without where LibreOffice is missing. Whether they were given."""
    body = doc.element.body
    if not any(_toc_level(p) for p in body.iter(qn("w:p"))):
        return False
    items = headings(body)
    _replace(entries(items, ["00"] * len(items)), body)
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / "utkast.docx"
        doc.save(draft)
        pages = layout_pages(draft, items)
    _replace(entries(items, pages), body)
    return pages is not None


def _toc_level(paragraph) -> bool:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style is not None and style.get(qn("w:val"), "").startswith("TOC") and style.get(qn("w:val")) != "TOCHeading"


def _replace(new: list, body) -> None:
    """The contents' entries in `body` replaced by `new`."""
    old = [p for p in body.iter(qn("w:p")) if _toc_level(p)]
    for paragraph in new:
        old[0].addprevious(paragraph)
    for paragraph in old:
        paragraph.getparent().remove(paragraph)
