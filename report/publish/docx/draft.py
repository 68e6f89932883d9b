"""Which build a Word file is, and whether it is a draft: the stamp as a custom document property
(`nhsp-stempel`, where `rapport kommentarer` finds it in a reviewer's copy), and in a draft the
word «Utkast» with the stamp on the cover and at the foot of every page, and unfinished text
(the «Uferdig» style _extensions/nhsp/uferdig.lua gives it) on a fill."""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from lxml import etree

from report.content import palette
from report.publish.docx.front_matter import paragraph_text
from report.publish.docx.valid import RPR_ORDER, order

STAMP_PROPERTY = "nhsp-stempel"
UNFINISHED_STYLE = "Uferdig"
_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one every user-defined property has
_COVER_LINE = "Utkast – ikke den endelige versjonen. Laget "


def set_stamp(doc, stamp: str) -> None:
    """The stamp as the custom property STAMP_PROPERTY, beside those Pandoc writes."""
    package = doc.part.package
    part = next((r.target_part for r in package.rels.values() if r.reltype == RT.CUSTOM_PROPERTIES), None)
    root = etree.fromstring(part.blob) if part is not None else etree.Element(f"{{{_CUSTOM}}}Properties",
                                                                               nsmap={None: _CUSTOM, "vt": _VT})
    for old in root.findall(f"{{{_CUSTOM}}}property[@name='{STAMP_PROPERTY}']"):
        root.remove(old)
    pid = max([int(p.get("pid", "1")) for p in root] + [1]) + 1
    prop = etree.SubElement(root, f"{{{_CUSTOM}}}property", fmtid=_FMTID, pid=str(pid), name=STAMP_PROPERTY)
    etree.SubElement(prop, f"{{{_VT}}}lpwstr").text = stamp
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if part is None:
        package.relate_to(Part(PackURI("/docProps/custom.xml"), _CUSTOM_TYPE, blob, package), RT.CUSTOM_PROPERTIES)
    else:
        part._blob = blob


def mark_draft(doc, stamp: str) -> None:
    """«Utkast» and the stamp under the cover's date and above every page number, and a fill on
    unfinished text. Run after the footers are made (finalize._page_number_footer)."""
    body = doc.element.body
    cover_date = next((p for p in body.iter(qn("w:p")) if _style(p) == "Date"), None)
    if cover_date is not None and not paragraph_text(cover_date.getnext()).startswith(_COVER_LINE):
        line = _paragraph([("Utkast", True), (f" – ikke den endelige versjonen. Laget {stamp}.", False)])
        cover_date.addnext(line)
    for section in doc.sections:
        footer = section.footer._element
        if not any(paragraph_text(p).startswith("Utkast") for p in footer.iter(qn("w:p"))):
            footer.insert(0, _paragraph([(f"Utkast {stamp}", False)], size=8))
    for run in body.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        style = None if rpr is None else rpr.find(qn("w:rStyle"))
        if style is not None and style.get(qn("w:val")) == UNFINISHED_STYLE and rpr.find(qn("w:shd")) is None:
            shd = OxmlElement("w:shd")
            shd.set(qn("w:val"), "clear")
            shd.set(qn("w:color"), "auto")
            shd.set(qn("w:fill"), palette.UNFINISHED_FILL)
            rpr.append(shd)
            order(rpr, RPR_ORDER)


def _paragraph(parts: list[tuple[str, bool]], size: float | None = None) -> OxmlElement:
    p = OxmlElement("w:p")
    for text, bold in parts:
        r = p.add_r()
        r.text = text
        rpr = r.get_or_add_rPr()
        rpr.color_val = RGBColor.from_string(palette.DRAFT.lstrip("#"))
        if bold:
            rpr.b_val = True
        if size:
            rpr.sz_val = Pt(size)
    return p


def _style(p) -> str | None:
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return None if style is None else style.get(qn("w:val"))
