"""Colours of the house style, shared by figures, HTML and DOCX: change them here.

The website's theme `nhsp.scss` repeats the values it uses, each marked `// palette.NAME`;
tests/publish/test_html.py fails when the two differ.

Line and bar colours keep at least 3:1 contrast against white (afcharts' palette);
cell fills are light enough for black text at 4.5:1. Colour never carries meaning
alone: the word (status, colour name) is always printed in the cell or label.
"""

SERIES = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
TARGET = "#3D3D3D"   # target line, drawn dashed and labelled "Mål"
TEXT = "#0B0C0C"
GRID = "#BFC1C3"

# The website: links, headings, the active chapter and the focus ring in Helsedirektoratet's
# dark petrol blue (8.8:1 on white); boxes and table headers on a light tint of it.
PRIMARY = "#025169"
PRIMARY_DARK = "#013A4B"   # links when pointed at
PRIMARY_TINT = "#E6F0F3"

# A draft's marks: the word «Utkast» (8.4:1 on white), and the fill behind unfinished text.
DRAFT = "#801650"
UNFINISHED_FILL = "F6DCE8"

# Fills for the progress colour and status cells (word kept in the cell).
COLOUR_FILLS = {"grønn": "CDE9D6", "gul": "FFEFB3", "rød": "F7C6C7"}
STATUS_FILLS = {
    "Ikke startet": "E7E8E9",
    "I rute": "CDE9D6",
    "Forsinket": "F7C6C7",
    "Levert": "D3E3F3",
    "Avsluttet": "E7E8E9",
}


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours written "#RRGGBB" or "RRGGBB"."""
    def luminance(colour):
        rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
