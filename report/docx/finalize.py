"""Post-render finishing of the Word file, so the ministry can use it as it is.

Adds a cover page and a table-of-contents field, gives every section (the landscape
ones too) A4 size and a footer with page numbers, puts Vedlegg 7's assignment tables in
landscape with repeating header rows and widths that fit, shades status and colour cells
(the word is kept), sets the core properties and checks that every image has alt text.
Idempotent, and atomic: a failure leaves the input as it was.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length

from report import palette, schema
from report.config import Config
from report.docx.package import save_reproducibly
from report.norsk import format_date

COVER_MARK = "nhsp_forside"
A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.5)


class FinalizeError(Exception):
    pass


def _el(tag: str, **attrs) -> OxmlElement:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(key), value)
    return element


def _field_runs(paragraph, instruction: str, placeholder: str = "") -> None:
    """A complex field (PAGE, TOC) that Word and LibreOffice fill in."""
    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("text", placeholder), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            instr = _el("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            run._r.append(_el("w:fldChar", **{"w:fldCharType": kind, **({"w:dirty": "true"} if kind == "begin" else {})}))


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()


def _header_texts(table) -> list[str]:
    first = table.find(qn("w:tr"))
    return [] if first is None else [_text(tc) for tc in first.findall(qn("w:tc"))]


def finalize_docx(path: Path, config: Config) -> None:
    path = Path(path)
    doc = Document(path)
    body = doc.element.body
    _check_alt_text(body, path)
    _add_cover_and_contents(doc, config)
    tables = body.findall(qn("w:tbl"))
    appendix7 = [t for t in tables if _header_texts(t) == [h for h, _ in schema.APPENDIX7_COLUMNS]]
    if appendix7:
        _make_landscape(body, appendix7)
    for table in tables:
        _repeat_header(table)
        if _header_texts(table) == list(schema.OVERVIEW_COLUMNS):
            _shade_overview(table)
    for section in doc.sections:
        _page_setup(section)
        _page_number_footer(section)
    for table in appendix7:
        _fit_columns(table, A4[1] - 2 * MARGIN)
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        settings.append(_el("w:updateFields", **{"w:val": "true"}))
    _core_properties(doc, config)
    save_reproducibly(doc, path)


def _check_alt_text(body, path: Path) -> None:
    missing = [
        d.get("name") or "uten navn"
        for d in body.iter(qn("wp:docPr"))
        if not (d.get("descr") or "").strip()
    ]
    if missing:
        raise FinalizeError(f"{path.name}: bilde uten alternativ tekst: {', '.join(missing)}")


def _add_cover_and_contents(doc, config: Config) -> None:
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
    new[0]._p.insert(0, _el("w:bookmarkStart", **{"w:id": "9001", "w:name": COVER_MARK}))
    new[0]._p.append(_el("w:bookmarkEnd", **{"w:id": "9001"}))
    new[-1].add_run().add_break(WD_BREAK.PAGE)
    heading = doc.add_paragraph("Innhold", style="TOC Heading" if "TOC Heading" in [s.name for s in doc.styles] else None)
    toc = doc.add_paragraph()
    _field_runs(toc, ' TOC \\o "1-3" \\h \\z \\u ', "Innholdsfortegnelsen oppdateres når dokumentet åpnes.")
    toc.add_run().add_break(WD_BREAK.PAGE)
    for p in new + [heading, toc]:
        first.addprevious(p._p)


def _section_after(element):
    """The sectPr that ends the section holding `element` (the next one in document order)."""
    node = element
    while node is not None:
        sect = node.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if node.tag == qn("w:p") else None
        if sect is not None:
            return sect
        node = node.getnext()
    return element.getparent().find(qn("w:sectPr"))


def _is_landscape(sect) -> bool:
    size = sect.find(qn("w:pgSz"))
    return size is not None and (size.get(qn("w:orient")) == "landscape" or
                                 int(size.get(qn("w:w"), 0)) > int(size.get(qn("w:h"), 1)))


def _make_landscape(body, tables) -> None:
    if all(_is_landscape(_section_after(t)) for t in tables):
        return
    start = tables[0].getprevious()
    if start is None or start.tag != qn("w:p"):
        start = tables[0]
    final = body.find(qn("w:sectPr"))
    portrait = copy.deepcopy(_section_after(start))
    landscape = copy.deepcopy(final)
    size = landscape.find(qn("w:pgSz"))
    size.set(qn("w:orient"), "landscape")
    before, after = _el("w:p"), _el("w:p")
    before.append(_el("w:pPr"))
    before[0].append(portrait)
    after.append(_el("w:pPr"))
    after[0].append(landscape)
    start.addprevious(before)
    tables[-1].addnext(after)


def _page_setup(section) -> None:
    landscape = section.orientation == WD_ORIENT.LANDSCAPE or section.page_width > section.page_height
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _page_number_footer(section) -> None:
    footer = section.footer
    footer.is_linked_to_previous = False
    for p in list(footer.paragraphs):
        p._p.getparent().remove(p._p)
    paragraph = footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field_runs(paragraph, " PAGE ", "1")


def _repeat_header(table) -> None:
    row = table.find(qn("w:tr"))
    if row is None:
        return
    tr_pr = row.find(qn("w:trPr"))
    if tr_pr is None:
        tr_pr = _el("w:trPr")
        row.insert(0, tr_pr)
    if tr_pr.find(qn("w:tblHeader")) is None:
        tr_pr.append(_el("w:tblHeader"))


def _set_cell_property(cell, element, first: bool = False) -> None:
    """Put `element` in the cell's tcPr, replacing one of the same kind."""
    tc_pr = cell.find(qn("w:tcPr"))
    if tc_pr is None:
        tc_pr = _el("w:tcPr")
        cell.insert(0, tc_pr)
    for old in tc_pr.findall(element.tag):
        tc_pr.remove(old)
    if first:
        tc_pr.insert(0, element)
    else:
        tc_pr.append(element)


def _shade(cell, fill: str) -> None:
    _set_cell_property(cell, _el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": fill}))


def _shade_overview(table) -> None:
    statuses = sorted(palette.STATUS_FILLS, key=len, reverse=True)
    for row in table.findall(qn("w:tr"))[1:]:
        cells = row.findall(qn("w:tc"))
        if len(cells) != 3:
            continue
        status, colour = _text(cells[1]), _text(cells[2]).lower()
        match = next((s for s in statuses if status.startswith(s)), None)
        if match:
            _shade(cells[1], palette.STATUS_FILLS[match])
        word = next((c for c in palette.COLOUR_FILLS if colour.startswith(c)), None)
        if word:
            _shade(cells[2], palette.COLOUR_FILLS[word])


def _fit_columns(table, text_width) -> None:
    columns = len(table.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
    twips = int(Length(text_width).twips / columns)
    tbl_pr = table.find(qn("w:tblPr"))
    for old in tbl_pr.findall(qn("w:tblLayout")) + tbl_pr.findall(qn("w:tblW")):
        tbl_pr.remove(old)
    tbl_pr.append(_el("w:tblW", **{"w:w": str(twips * columns), "w:type": "dxa"}))
    tbl_pr.append(_el("w:tblLayout", **{"w:type": "fixed"}))
    for col in table.find(qn("w:tblGrid")).findall(qn("w:gridCol")):
        col.set(qn("w:w"), str(twips))
    for tc in table.iter(qn("w:tc")):
        _set_cell_property(tc, _el("w:tcW", **{"w:w": str(twips), "w:type": "dxa"}), first=True)


def _core_properties(doc, config: Config) -> None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None) if epoch
            else dt.datetime.combine(config.date, dt.time(12)))
    props = doc.core_properties
    props.title = config.title
    props.subject = f"Statusrapport {config.year} for Nasjonal helse- og sykehusplan"
    props.author = props.last_modified_by = config.author
    props.language = "nb-NO"
    props.keywords = "NHSP, Nasjonal helse- og sykehusplan, statusrapport, Helsedirektoratet"
    props.created = props.modified = when
    props.revision = 1
