"""Where the Word file may break a page: never inside a table row, never between a figure and its
note and caption, never between a table's caption and its first rows (headings keep with what
follows by their style). A row taller than a page is the one thing Word breaks all the same."""

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
        for row in table.findall(qn("w:tr")):
            _set(row, "w:trPr", "w:cantSplit", _TRPR_ORDER)
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
