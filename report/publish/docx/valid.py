"""What Quarto's Word file breaks of the WordprocessingML schema, put right: Word answers invalid
XML with «unreadable content» and a repair. Quarto writes two <w:pPr> into a figure's caption
paragraph (the second with the style last), two <w:jc> into the paragraphs of table cells, two
<w:tblLook> into some tables. A paragraph gets one <w:pPr>, its children in the schema's order,
and a properties element one of each child (the first: the cell's or table's own)."""

from __future__ import annotations

from docx.oxml.ns import qn

# CT_PPr's children in the schema's order
PPR_ORDER = tuple(qn(f"w:{name}") for name in (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct",
    "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
    "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment",
    "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
))

# CT_RPr's children in the schema's order
RPR_ORDER = tuple(qn(f"w:{name}") for name in (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
    "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
    "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
    "lang", "eastAsianLayout", "specVanish", "oMath",
))


def make_valid(body) -> None:
    for paragraph in body.iter(qn("w:p")):
        _one_ppr(paragraph)
    for tag in ("w:pPr", "w:rPr", "w:tblPr", "w:tcPr"):
        for props in body.iter(qn(tag)):
            seen = set()
            for child in list(props):
                if child.tag in seen:
                    props.remove(child)
                seen.add(child.tag)
    for ppr in body.iter(qn("w:pPr")):
        order(ppr, PPR_ORDER)


def _one_ppr(paragraph) -> None:
    """Merge a paragraph's <w:pPr> elements into its first; a later one's child replaces an
    earlier one's of the same name (the caption's own style and alignment win)."""
    pprs = paragraph.findall(qn("w:pPr"))
    if len(pprs) < 2:
        return
    first = pprs[0]
    for later in pprs[1:]:
        for child in list(later):
            for old in first.findall(child.tag):
                first.remove(old)
            first.append(child)
        paragraph.remove(later)
    paragraph.remove(first)
    paragraph.insert(0, first)


def order(parent, names: tuple[str, ...]) -> None:
    """Put `parent`'s children in the order of `names` (those not named last, as they were)."""
    rank = {name: i for i, name in enumerate(names)}
    children = sorted(parent, key=lambda c: rank.get(c.tag, len(names)))
    for child in children:
        parent.remove(child)
        parent.append(child)
