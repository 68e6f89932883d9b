"""The PDF's Typst template (_extensions/nhsp), compiled with a real Typst on a small document
that uses it the way Quarto's output does (the same calls the book's .typ makes)."""

import re
import subprocess

import pikepdf
import pytest
import typst
from helpers.clients import needs
from helpers.pdfs import figure_alt_texts
from helpers.project import ROOT

from report.content import palette

EXTENSION = ROOT / "_extensions" / "nhsp"

BODY = r"""
#show: nhsp-bok.with(title: [Statusrapport], subtitle: [Fra Helsedirektoratet], author: "Helsedirektoratet")
#nhsp-kolofon[Om rapporten: laget fra oppdrag.xlsx.]
#nhsp-innhold()
#heading(level: 1, numbering: none)[Forord]
Forordet.

= Oppdrag
<sec-oppdrag>
Se #ref(<sec-status>, supplement: [Vedlegg]) og #ref(<tbl-a>, supplement: [Tabell]), og vedlegg #ref(<sec-status>, supplement: []).

#figure([
#table(columns: (50%, 50%), align: (left, left),
  table.header([Oppdrag], [Fremdrift]), table.hline(),
  [Første], [#nhsp-merke("fremdrift-gronn")[Grønn]],
  ..range(80).map(i => ([Rad #i], [Tekst])).flatten())
], caption: figure.caption(position: top, [Oversikt]), kind: "quarto-float-tbl", supplement: "Tabell")
<tbl-a>

#figure([#box(width: 3cm, height: 2cm, fill: gray)], caption: [En figur], alt: "En grå boks")

#nhsp-vedlegg-start()
= Status per helsefellesskap
<sec-status>
== Helse Nord
Tekst.

= Enkeltoppdrag
#set page(flipped: true)
== Oppdragene
Tabeller.
#set page(flipped: false)
"""


STAMP = "30.11.2026 10:15 · 0123456789"


def _compile(folder, variables: str):
    (folder / "_variables.yml").write_text(variables, encoding="utf-8")
    (folder / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
                                     '<rect width="40" height="20" fill="#025169"/></svg>', encoding="utf-8")
    source = "\n".join((EXTENSION / name).read_text(encoding="utf-8")
                       for name in ("numbering.typ", "typst-template.typ")) + BODY
    (folder / "bok.typ").write_text(source, encoding="utf-8")
    out = folder / "bok.pdf"
    typst.compile(str(folder / "bok.typ"), output=str(out), root=str(folder), pdf_standards=["ua-1"])
    return out


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    """The version to publish: no draft marks."""
    return _compile(tmp_path_factory.mktemp("typst"), '{"aar": "2022", "dato": "19. oktober 2022", "logo": "logo.svg", '
                                                      f'"stempel": "{STAMP}", "utkast": false}}')


@pytest.fixture(scope="module")
def draft(tmp_path_factory):
    return _compile(tmp_path_factory.mktemp("utkast"), '{"aar": "2022", "dato": "19. oktober 2022", '
                                                       f'"logo": "logo.svg", "stempel": "{STAMP}", "utkast": true}}')


@needs("pdftotext")
def test_a_draft_says_utkast_with_its_stamp_on_the_cover_and_every_page_the_final_does_not(draft, pdf):
    def pages(path):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        return [" ".join(p.split()) for p in text.split("\f")[:-1]]

    marked = pages(draft)
    assert f"Utkast – ikke den endelige versjonen. Laget {STAMP}." in marked[0]
    assert all(f"Utkast {STAMP}" in page for page in marked[1:])
    assert not any("Utkast" in page for page in pages(pdf))
    for path in (draft, pdf):  # both say which build they are, where `rapport kommentarer` looks
        with pikepdf.open(path) as doc:
            assert str(doc.docinfo["/Keywords"]) == f"nhsp-stempel: {STAMP}"


def test_it_is_a_tagged_pdf_ua_document_in_bokmal(pdf):
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "nb-NO"
        assert bool(doc.Root.ViewerPreferences.DisplayDocTitle)
        assert str(doc.docinfo.Title) == "Statusrapport"
        alts = figure_alt_texts(doc)
    assert "Helsedirektoratet (logo)" in alts and "En grå boks" in alts


@needs("pdftotext")
def test_cover_colophon_contents_numbers_and_appendices(pdf):
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [[ln.strip() for ln in p.splitlines() if ln.strip()] for p in text.split("\f")[:-1]]
    assert "Statusrapport 2022" in pages[0] and "19. oktober 2022" in pages[0]
    assert pages[1][0].startswith("Om rapporten")
    assert pages[2][0] == "Innhold" and any(re.match(r"Vedlegg 1\s+Status per helsefellesskap", ln) for ln in pages[2])
    whole = "\n".join(ln for p in pages for ln in p)
    assert "Se Vedlegg 1 og Tabell 1.1, og vedlegg 1." in whole
    assert re.search(r"^Vedlegg 1: Status per helsefellesskap", whole, re.M)
    assert re.search(r"^Vedlegg 2: Enkeltoppdrag", whole, re.M)
    assert re.search(r"^1\.1 Helse Nord", whole, re.M)
    assert "Figur 1.1" in whole
    for number, lines in enumerate(pages[1:], start=2):
        assert lines[-1] == str(number), f"page {number}"
        assert len(lines) > 1, f"page {number} is empty"
    # the long table runs over pages with its header repeated, under a running head
    table_pages = [p for p in pages if any(ln.startswith("Rad ") for ln in p)]
    assert len(table_pages) >= 2
    assert all(any(ln.startswith("Oppdrag") and "Fremdrift" in ln for ln in p) for p in table_pages)
    assert table_pages[1][0].startswith("Kapittel 1")


def test_house_colours_are_the_palette():
    template = (EXTENSION / "typst-template.typ").read_text(encoding="utf-8").upper()
    for fill in [*palette.COLOUR_FILLS.values(), *palette.STATUS_FILLS.values(),
                 *(c.lstrip("#") for c in (palette.TEXT, palette.GRID, palette.PRIMARY, palette.DRAFT)),
                 palette.UNFINISHED_FILL]:
        assert f'RGB("#{fill.upper()}")' in template


@needs("pdftotext")
def test_a_figure_is_never_parted_from_its_note_and_caption(tmp_path):
    """As Quarto writes a figure the chapters insert: the chart, the note under it, the caption.
    Six of them between texts of different lengths: with breakable figures one straddles a page."""
    figures = "\n".join(
        f"#lorem({40 + 35 * i})\n\n#figure([\n[Topp {i}]\n\n#box(width: 12cm, height: 9cm, fill: gray)~\n\n"
        f"Kilde: NPR {i}.\n], caption: figure.caption(position: bottom, [Figurtekst {i}]), "
        f'kind: "quarto-float-fig", supplement: "Figur")\n' for i in range(6))
    body = ('#show: nhsp-bok.with(title: [Statusrapport], subtitle: [Fra Helsedirektoratet], '
            'author: "Helsedirektoratet")\n= Kapittel\n' + figures)
    (tmp_path / "_variables.yml").write_text('{"aar": "2022", "dato": "19. oktober 2022"}', encoding="utf-8")
    source = "\n".join((EXTENSION / name).read_text(encoding="utf-8")
                       for name in ("numbering.typ", "typst-template.typ")) + body
    (tmp_path / "f.typ").write_text(source, encoding="utf-8")
    typst.compile(str(tmp_path / "f.typ"), output=str(tmp_path / "f.pdf"), root=str(tmp_path))
    text = subprocess.run(["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    for i in range(6):
        where = {mark: next(n for n, p in enumerate(pages) if mark in p)
                 for mark in (f"Topp {i}", f"Kilde: NPR {i}", f"Figurtekst {i}")}
        assert len(set(where.values())) == 1, where


@needs("pdftotext")
def test_a_short_table_is_never_parted_from_its_caption(tmp_path):
    """At 600 words of text before it, a 12-row table starts at the first page's foot: its caption
    and first rows went there and the rest to the next page. Kept whole, it all moves."""
    body = r"""
#show: nhsp-bok.with(title: [Statusrapport], author: "Helsedirektoratet")
= Oppdrag
#lorem(600)

#figure([
#table(columns: (50%, 50%), align: (left, left), table.header([Oppdrag], [Status]), table.hline(),
  ..range(12).map(i => ([Kort rad #i], [Tekst])).flatten())
], caption: figure.caption(position: top, [Kort tabell]), kind: "quarto-float-tbl", supplement: "Tabell")
"""
    (tmp_path / "_variables.yml").write_text('{"aar": "2022", "dato": "19. oktober 2022"}', encoding="utf-8")
    source = "\n".join((EXTENSION / name).read_text(encoding="utf-8") for name in ("numbering.typ", "typst-template.typ"))
    (tmp_path / "bok.typ").write_text(source + body, encoding="utf-8")
    typst.compile(str(tmp_path / "bok.typ"), output=str(tmp_path / "bok.pdf"), root=str(tmp_path))
    text = subprocess.run(["pdftotext", str(tmp_path / "bok.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    page = [next(i for i, p in enumerate(pages) if s in p) for s in ("Kort tabell", "Kort rad 0", "Kort rad 11")]
    assert len(set(page)) == 1, f"caption and rows on pages {page}"
    assert "Lorem ipsum" in pages[page[0] - 1], "the table moved to the page after the text"



def test_quarto_reads_the_template_as_a_pandoc_template_and_it_comes_out_unchanged(tmp_path):
    """Quarto passes typst-template.typ through Pandoc's template engine, where a `$` starts a
    variable: a Typst regex ending in `$` stopped the PDF with «Error compiling template»."""
    import pypandoc

    template = (EXTENSION / "typst-template.typ").read_text(encoding="utf-8")
    (tmp_path / "t.typ").write_text(template, encoding="utf-8")
    out = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "typst", f"--template={tmp_path / 't.typ'}"],
                         input="", capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == template.strip()
