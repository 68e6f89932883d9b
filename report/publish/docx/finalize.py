"""Post-render finishing of the Word file, so the ministry can use it as it is.

Works on the shapes Quarto writes (see tests/fixtures/): captioned tables nested in layout
tables, callouts as tables, landscape divs as section breaks. Adds a cover page and a
table-of-contents field, gives every section A4 size and a footer with page numbers, drops
the empty page after a landscape section that ends the book, sets
Vedlegg 7's column widths, type size and list indents, shades status and colour cells (the
word is kept), sets the core properties and checks that every image has alt text.
Idempotent, and atomic: a failure leaves the input as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor, Twips

from report.content import palette
from report.content.blocks import PROMPT_STYLE
from report.data import schema
from report.data.config import Config
from report.publish.docx.draft import mark_draft, set_stamp
from report.publish.docx.front_matter import add_cover_and_contents, number_contents
from report.publish.docx.package import save_reproducibly
from report.publish.docx.pages import keep_together
from report.publish.docx.valid import PPR_ORDER, make_valid, order

A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(2.5)
# Set by `rapport bygg` for the post-render step of the Word file's Quarto: the contents' page
# numbers are added when that Quarto has exited (report/publish/formats.py).
CONTENTS_PAGES_LATER = "NHSP_SIDETALL_ETTERPAA"


# The settings that come after w:autoHyphenation in the schema's order (CT_Settings).
_AFTER_HYPHENATION = (
    "w:consecutiveHyphenLimit", "w:hyphenationZone", "w:doNotHyphenateCaps", "w:showEnvelope",
    "w:summaryLength", "w:clickAndTypeStyle", "w:defaultTableStyle", "w:evenAndOddHeaders",
    "w:bookFoldRevPrinting", "w:bookFoldPrinting", "w:bookFoldPrintingSheets",
    "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing", "w:displayHorizontalDrawingGridEvery",
    "w:displayVerticalDrawingGridEvery", "w:doNotUseMarginsForDrawingGridOrigin",
    "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin", "w:doNotShadeFormData",
    "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne", "w:strictFirstAndLastChars",
    "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture", "w:doNotValidateAgainstSchema",
    "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText", "w:doNotDemarcateInvalidXml",
    "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt", "w:showXMLTags",
    "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr",
    "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping",
    "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
    "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags",
    "w:decimalSymbol", "w:listSeparator",
)
def allow_hyphens(p_pr, allow: bool) -> None:
    """Let Word hyphenate the paragraph (or not), whatever its style says."""
    for old in p_pr.findall(qn("w:suppressAutoHyphens")):
        p_pr.remove(old)
    p_pr.append(_el("w:suppressAutoHyphens", **{"w:val": "false" if allow else "true"}))
    order(p_pr, PPR_ORDER)


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
            run._r.append(_el("w:fldChar", **{"w:fldCharType": kind}))


def _text(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()


def _header_texts(table) -> list[str]:
    first = table.find(qn("w:tr"))
    return [] if first is None else [_text(tc) for tc in first.findall(qn("w:tc"))]


def finalize_docx(path: Path, config: Config, stamp: str = "", draft: bool = False,
                  contents_pages: bool = True) -> None:
    """`stamp`: which build this is (a custom property); a `draft` says so on its pages. Without
    `contents_pages`, the contents are left for `add_contents_pages`."""
    path = Path(path)
    doc = Document(path)
    body = doc.element.body
    _check_alt_text(body, path)
    add_cover_and_contents(doc, config)
    # Quarto nests captioned tables and figures in one-cell layout tables, and writes callouts
    # as tables: every table is looked at, and only Pandoc's data tables (a header row) are
    # treated as such.
    tables = list(body.iter(qn("w:tbl")))
    for table in tables:
        _ensure_grid(table)
    appendix7 = [h for h, _ in schema.APPENDIX7_COLUMNS]
    data_tables = list(filter(_is_data_table, tables))
    for table in data_tables:
        header = _header_texts(table)
        if header == list(schema.OVERVIEW_COLUMNS):
            _shade_overview(table)
        elif len(header) == len(appendix7) and all(t.startswith(h) for t, h in zip(header, appendix7)):
            _compact_table(table, A4[1] - 2 * MARGIN)
    make_valid(body)
    keep_together(body, data_tables)
    _drop_empty_last_section(body)
    for section in doc.sections:
        _page_setup(section)
        _page_number_footer(section)
    doc.sections[0].different_first_page_header_footer = True  # no page number on the cover, as in the PDF
    if stamp:
        set_stamp(doc, stamp)
    if draft:
        mark_draft(doc, stamp)
    settings = doc.settings.element
    # Word hyphenates only where a paragraph allows it (Vedlegg 7's cells, see _compact_table)
    if settings.find(qn("w:autoHyphenation")) is None:
        settings.insert_element_before(_el("w:autoHyphenation", **{"w:val": "true"}), *_AFTER_HYPHENATION)
    _core_properties(doc, config)
    if contents_pages:
        number_contents(doc)
    save_reproducibly(doc, path)


def add_contents_pages(path: Path) -> bool:
    """The contents' page numbers in a Word file finished without them: the same file
    `finalize_docx` makes with them. Whether LibreOffice gave them."""
    doc = Document(path)
    numbered = number_contents(doc)
    save_reproducibly(doc, path)
    return numbered


def _check_alt_text(body, path: Path) -> None:
    missing = [_where(d) for d in body.iter(qn("wp:docPr")) if not (d.get("descr") or "").strip()]
    if missing:
        raise FinalizeError(
            f"{path.name}: {len(missing)} bilde(r) uten alternativ tekst: " + "; ".join(missing)
            + ". Word-filen tar den alternative teksten fra teksten mellom klammene i et bilde i en linje med "
            "tekst: skriv bildet som i README under «Bilder i kapitlene»."
        )


def _where(doc_pr) -> str:
    """The picture's place, for a writer: the nearest heading before it."""
    node = doc_pr
    while node.getparent() is not None and node.getparent().tag != qn("w:body"):
        node = node.getparent()
    for sibling in node.itersiblings(preceding=True):
        style = sibling.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val"), "").startswith("Heading"):
            return f"bildet etter overskriften «{_text(sibling)}»"
    return "et bilde før første overskrift"


def _is_data_table(table) -> bool:
    """A table Pandoc wrote from a markdown table: its first row is a header row. Quarto's
    layout tables (figure and table wrappers) and callouts have none."""
    first = table.find(qn("w:tr"))
    return first is not None and first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None


def _ensure_grid(table) -> None:
    """Quarto's callout tables have no w:tblGrid, which the schema requires: one column each,
    sharing the portrait text width."""
    if table.find(qn("w:tblGrid")) is not None:
        return
    columns = max((len(row.findall(qn("w:tc"))) for row in table.findall(qn("w:tr"))), default=1) or 1
    grid = _el("w:tblGrid")
    for _ in range(columns):
        grid.append(_el("w:gridCol", **{"w:w": str(int(Length(A4[0] - 2 * MARGIN).twips / columns))}))
    table.find(qn("w:tblPr")).addnext(grid)


def _section_break(element) -> bool:
    """A paragraph that only ends a section (Quarto's landscape divs write these)."""
    return (element.tag == qn("w:p") and element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
            and element.find(qn("w:r")) is None)


def _drop_empty_last_section(body) -> None:
    """Quarto ends a landscape div with a section break; when the div ends the document, the
    empty portrait section after it would be an empty last page. The document's final
    section properties take over the landscape ones instead."""
    final = body.find(qn("w:sectPr"))
    last = final.getprevious()
    while last is not None and last.tag in (qn("w:bookmarkEnd"),):
        last = last.getprevious()
    if last is None or not _section_break(last):
        return
    size = final.get_or_add_pgSz()
    size.orient = WD_ORIENT.LANDSCAPE
    size.w, size.h = A4[1], A4[0]
    last.getparent().remove(last)


def _page_setup(section) -> None:
    # Quarto's break before a landscape div has empty section properties: no size at all.
    width, height = section.page_width, section.page_height
    landscape = section.orientation == WD_ORIENT.LANDSCAPE or (
        width is not None and height is not None and width > height)
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


def _compact_table(table, text_width) -> None:
    """Vedlegg 7: the columns' relative widths over the landscape text width, small type, bullet
    lists indented by a little instead of 720 twips, and hyphenation in the cells below the header.
    The widths are those the generated table has (each column with its " | ", as Pandoc counts),
    from the schema: Pandoc's own shares differ by a rounding between tables whose sources differ
    in width (one with a long word), and every table is to have the same columns."""
    cols = table.find(qn("w:tblGrid")).findall(qn("w:gridCol"))
    weights = [w + 3 for w in schema.APPENDIX7_WIDTHS]
    total = Length(text_width).twips
    widths = [total * w // sum(weights) for w in weights]
    widths[-1] += total - sum(widths)  # exactly the text width, so a second run changes nothing
    tbl_pr = table.find(qn("w:tblPr"))
    _replace(tbl_pr, _el("w:tblW", **{"w:w": str(sum(widths)), "w:type": "dxa"}), after=("w:tblStyle",))
    _replace(tbl_pr, _el("w:tblLayout", **{"w:type": "fixed"}),
             after=("w:tblStyle", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd"))
    for col, w in zip(cols, widths):
        col.set(qn("w:w"), str(w))
    for row in table.findall(qn("w:tr")):
        column = 0
        for tc in row.findall(qn("w:tc")):  # a cell across n columns (gridSpan) is as wide as they are
            span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            n = int(span.get(qn("w:val"))) if span is not None else 1
            w = sum(widths[column:column + n])
            column += n
            _set_cell_property(tc, _el("w:tcW", **{"w:w": str(w), "w:type": "dxa"}), first=True)
    header = table.find(qn("w:tr"))
    for p in table.iter(qn("w:p")):
        p_pr = p.get_or_add_pPr()
        if p_pr.numPr is not None:
            ind = p_pr.get_or_add_ind()
            ind.left, ind.hanging = Twips(170), Twips(170)
        # long words hyphenated (bokmål) rather than broken anywhere; the header words whole
        allow_hyphens(p_pr, allow=header not in p.iterancestors(qn("w:tr")))
    for run in table.iter(qn("w:r")):
        r_pr = run.get_or_add_rPr()
        prompt = r_pr.style == PROMPT_STYLE  # the prompt under the Status header word
        r_pr.sz_val = Pt(7.5 if prompt else 8.5)
        if prompt:
            r_pr.b_val = False
            r_pr.color_val = RGBColor.from_string(palette.TARGET.lstrip("#"))


def _replace(parent, element, after: tuple[str, ...]) -> None:
    """Put `element` in `parent` in its schema place: after the last child named in `after`,
    replacing one of the same kind."""
    for old in parent.findall(element.tag):
        parent.remove(old)
    anchor = None
    for child in parent:
        if child.tag in {qn(a) for a in after}:
            anchor = child
    if anchor is None:
        parent.insert(0, element)
    else:
        anchor.addnext(element)


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


if __name__ == "__main__":  # the contents' page numbers in each Word file in a folder (report/publish/formats.py)
    for docx in sorted(Path(sys.argv[1]).glob("*.docx")):
        if add_contents_pages(docx):
            print(f"Innholdsfortegnelsen i {docx.name} har fått sidetall.", flush=True)
