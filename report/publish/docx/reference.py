"""The reference document Quarto's docx writer takes its styles from (`reference-doc:`).

Built from Pandoc's own default reference document, so every style name Pandoc uses
exists, then given the house style with python-docx: fonts, heading sizes, the "Table"
table style, captions and Norwegian (nb-NO) as the language of every style.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pypandoc
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from report.content import palette
from report.publish.docx.finalize import allow_hyphens
from report.publish.docx.package import save_reproducibly

BODY_FONT = "Calibri"
HEADING_SIZES = {1: 18, 2: 14, 3: 12, 4: 11}
HEADING_COLOUR = RGBColor.from_string(palette.PRIMARY.lstrip("#"))


def _pandoc_default() -> bytes:
    return subprocess.run(
        [pypandoc.get_pandoc_path(), "--print-default-data-file", "reference.docx"],
        check=True, capture_output=True,
    ).stdout


def _set_language(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), "nb-NO")


def write_reference_doc(path: Path) -> None:
    doc = Document(io.BytesIO(_pandoc_default()))
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(11)
    # no hyphenation in running text; finalize allows it in Vedlegg 7's narrow cells
    allow_hyphens(normal.element.get_or_add_pPr(), allow=False)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    _set_language(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")))
    for style in styles:
        if style.element.find(qn("w:rPr")) is not None or style.type == 1:
            _set_language(style.element.get_or_add_rPr())
    for level, size in HEADING_SIZES.items():
        h = styles[f"Heading {level}"]
        h.font.name = BODY_FONT
        h.font.size = Pt(size)
        h.font.bold = True
        h.font.color.rgb = HEADING_COLOUR
        h.paragraph_format.keep_with_next = True
    # Each chapter and each Vedlegg starts on a new page, as in the PDF.
    styles["Heading 1"].paragraph_format.page_break_before = True
    # The cover and the contents' heading in the house style, as the PDF's: left-aligned, the
    # title large in the house colour (not Pandoc's centred black title and blue «Innhold»).
    for name, size, colour, space_before in (("Title", 26, HEADING_COLOUR, 6), ("Subtitle", 15, HEADING_COLOUR, 0),
                                             ("Author", 12, None, 36), ("Date", 12, None, 0),
                                             ("TOC Heading", HEADING_SIZES[1], HEADING_COLOUR, 0)):
        if name not in [s.name for s in styles]:
            continue
        style = styles[name]
        style.font.name = BODY_FONT
        style.font.size = Pt(size)
        style.font.bold = name in ("Title", "TOC Heading")
        style.font.color.rgb = colour or RGBColor(0, 0, 0)
        style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        style.paragraph_format.space_before = Pt(space_before)
    for name in ("Image Caption", "Table Caption"):
        if name in [s.name for s in styles]:
            styles[name].font.size = Pt(9)
            styles[name].font.italic = True
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    save_reproducibly(doc, path)
