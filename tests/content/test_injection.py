"""Spreadsheet text is data: hostile cell text appears literally and breaks nothing around it."""

import dataclasses
import json
import re
import subprocess

import pypandoc
import pytest
import typst
from helpers.workbook_factory import valid_rows

from report.content.blocks import activities, appendix7, overview, partnership_status
from report.content.markdown import blocks, inline
from report.content.variables import variables
from report.data.config import load_config
from report.data.model import Dataset, Partnership, PartnershipStatus

HOSTILE = [
    "{{< env HOME >}}",
    "{{< include /etc/passwd >}}",
    "{{< var x >}}",
    "<script>alert(1)</script>",
    "```{=html}\n<b>rå</b>\n```",
    "`#set page(width: 1cm)`{=typst}",
    "<w:p>rå</w:p>{=openxml}",
    "#set page(width: 1cm)",
    "\\input{/etc/passwd}",
    "a | b | c",
    "::: {.callout-note}\nx\n:::",
    "# Ikke en overskrift",
    "Fotnote^[inni] og [^1]\n\n[^1]: definisjon",
    "Se @fig-x og [@tbl-y]",
    "C:\\mappe\\fil \\\\ dobbel",
    "Ord" + "x" * 300,
    "Emoji 😀👍🏽 og 中文",
    "עברית ومرحبا",
    "$x^2$ og $$y$$",
    "<!-- kommentar -->",
    "*emph* __sterk__ ~~borte~~",
    "[lenke](http://example.com) ![bilde](x.png)",
    "1. ikke en liste\n- heller ikke\n> sitat",
]
ALLOWED = {"Str", "Space", "SoftBreak", "LineBreak"}
LAYOUT = {"AlignDefault", "AlignLeft", "AlignRight", "AlignCenter", "ColWidthDefault", "ColWidth"}
PANDOC = pypandoc.get_pandoc_path()


def _ast(markdown: str) -> list:
    out = subprocess.run([PANDOC, "-f", "markdown", "-t", "json"], input=markdown, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)["blocks"]


def _inlines(node, found):
    """Collect inline node types and their text, in order."""
    if isinstance(node, dict) and "t" in node:
        t = node["t"]
        if t in LAYOUT:
            return
        if t in ALLOWED or t not in ("Para", "Plain", "BulletList", "Table", "Header", "Strong", "Div", "Span"):
            found.append((t, node.get("c")))
            if t not in ALLOWED:
                return
        for value in node.values():
            _inlines(value, found)
    elif isinstance(node, list):
        for item in node:
            _inlines(item, found)


def _text(nodes) -> str:
    return "".join(c if t == "Str" else " " for t, c in nodes if t in ALLOWED)


@pytest.mark.parametrize("text", HOSTILE)
def test_inline_text_parses_back_to_exactly_itself(text):
    found = []
    _inlines(_ast(inline(text)), found)
    assert {t for t, _ in found} <= ALLOWED
    assert _text(found) == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_multiline_text_keeps_lines_and_nothing_else(text):
    found = []
    _inlines(_ast(blocks(text)), found)
    assert {t for t, _ in found} <= ALLOWED
    words = [w for line in text.split("\n") for w in re.sub(r"^\s*[-•*–]\s+", "", line).split()]
    assert " ".join(c for t, c in found if t == "Str").split() == words


def _hostile_dataset(text):
    from report.data.model import Assignment

    rows = valid_rows()["Oppdrag"][0]
    a = Assignment(**{**{k: v for k, v in rows.items()}, "title": text, "status_text": text, "effect": text})
    p = Partnership(1, "Helsefellesskap Agder", "Sørlandet sykehus HF", "Helse Sør-Øst", 25, None)
    s = PartnershipStatus(2022, p.name, True, True, text)
    return Dataset(assignments=[a], partnerships=[p], partnership_status=[s])


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_stays_inside_its_table_cell(text):
    ds = _hostile_dataset(text)
    over = _ast(overview(ds, 2022))
    assert [b["t"] for b in over] == ["Table"]
    body = over[0]["c"][4][0][3]
    assert len(body) == 2 and all(len(r[1]) == 3 for r in body)  # group row + one assignment, 3 columns
    found = []
    _inlines(body[1][1][0], found)
    assert _text(found) == " ".join(text.split())

    ved7 = _ast(appendix7(ds, 2022))
    assert [b["t"] for b in ved7] == ["Header", "Table"]
    rows = ved7[1]["c"][4][0][3]
    assert len(rows) == 1 and len(rows[0][1]) == 9
    cells = [c for c in ved7[1]["c"][4][0][3][0][1]]
    for cell in cells:
        found = []
        _inlines(cell, found)
        assert {t for t, _ in found} <= ALLOWED


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_title_stays_one_heading_in_activities(text):
    ast = _ast(activities(_hostile_dataset(text), 2022, "samhandling"))
    headers = [b for b in ast if b["t"] == "Header"]
    assert len(headers) == 1 and headers[0]["c"][1][1] == ["unnumbered", "unlisted"]
    found = []
    _inlines(headers[0]["c"][2], found)
    assert _text(found) == " ".join(text.split())


def test_hostile_text_in_html_docx_and_typst(tmp_path):
    ds = _hostile_dataset("\n".join(HOSTILE))
    source = "\n\n".join([overview(ds, 2022), appendix7(ds, 2022), partnership_status(ds, 2022),
                          activities(ds, 2022, "samhandling")])
    html = subprocess.run([PANDOC, "-f", "markdown", "-t", "html"], input=source, capture_output=True,
                          text=True, check=True).stdout
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>rå</b>" not in html
    subprocess.run([PANDOC, "-f", "markdown", "-t", "docx", "-o", str(tmp_path / "x.docx")], input=source,
                   text=True, check=True)
    typ = subprocess.run([PANDOC, "-s", "-f", "markdown", "-t", "typst"], input=source, capture_output=True,
                         text=True, check=True).stdout
    (tmp_path / "x.typ").write_text(typ, encoding="utf-8")
    pdf = typst.compile(str(tmp_path / "x.typ"))
    assert pdf[:4] == b"%PDF"


def test_variables_escape_text_from_the_data(project):
    from report.data.load import load_dataset

    config = load_config(project)
    ds, _ = load_dataset(config.data_dir)
    ind = next(iter(ds.indicators.values()))
    ds.indicators[ind.id] = dataclasses.replace(ind, name="{{< env HOME >}} *x*")
    value = variables(ds, config)["figur"][ind.id]["tekst"]
    found = []
    _inlines(_ast(value), found)
    assert _text(found) == f"{{{{< env HOME >}}}} *x* ({ind.unit})"
