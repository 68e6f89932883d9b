"""Where the Word file may break a page: never inside a table row, never inside a table that fits
on a page, never between a figure and its note and caption, never between a table's caption and
its first rows (headings keep with what follows by their style). A row or a table taller than a
page is what Word breaks all the same."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from report.publish.docx.valid import PPR_ORDER, order

# CT_TrPr's children: cantSplit before the height and the header mark
_TRPR_ORDER = tuple(qn(f"w:{n}") for n in ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter",
                                            "cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden"))
CAPTIONS = ("TableCaption", "ImageCaption")


def keep_together(body, data_tables: list) -> None:
    for table in data_tables:
        rows = table.findall(qn("w:tr"))
        for row in rows:
            _set(row, "w:trPr", "w:cantSplit", _TRPR_ORDER)
        # every row keeps with the next, so a table that fits on a page moves there whole (Word
        # breaks a longer one all the same), as in the PDF
        for row in rows[:-1]:
            for paragraph in row.iter(qn("w:p")):
                _set(paragraph, "w:pPr", "w:keepNext", PPR_ORDER)
    for table in body.iter(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        if len(rows) == 1 and any(True for _ in rows[0].iter(qn("w:drawing"))):  # a figure's frame
            _set(rows[0], "w:trPr", "w:cantSplit", _TRPR_ORDER)
            paragraphs = [p for p in rows[0].iter(qn("w:p"))]
            for paragraph in paragraphs[:-1]:
                _set(paragraph, "w:pPr", "w:keepNext", PPR_ORDER)
    for paragraph in body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is not None and style.get(qn("w:val")) == "TableCaption":
            _set(paragraph, "w:pPr", "w:keepNext", PPR_ORDER)


def _set(parent, props_tag: str, tag: str, names: tuple[str, ...]) -> None:
    """Give `parent` the empty property `tag` in its properties element (made if missing)."""
    props = parent.find(qn(props_tag))
    if props is None:
        props = OxmlElement(props_tag)
        parent.insert(0, props)
    if props.find(qn(tag)) is None:
        props.append(OxmlElement(tag))
        order(props, names)
