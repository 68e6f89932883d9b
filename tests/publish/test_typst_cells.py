"""Text in a table cell that starts a line with Typst markup stays text in the PDF
(_extensions/nhsp/typst-celler.lua), run with the Pandoc that Quarto's Typst writer is."""

import dataclasses
import re
import subprocess

import pypandoc
import pytest
import typst
from helpers.clients import needs
from helpers.pdfs import overprinted, words_with_boxes
from helpers.project import ROOT

from report.content.markdown import blocks, inline
from report.content.tables import grid_table
from report.data import schema

FILTER = ROOT / "_extensions" / "nhsp" / "typst-celler.lua"
# what writers type at the start of a cell or of a line in it, each Typst markup there
CELLS = ["2. kvartal 2023", "- ikke et kulepunkt", "= Ikke en overskrift", "+ pluss", "/ term: x",
         "Først en linje\n12. mai kom rapporten"]


def _typst(*filters) -> str:
    # one-line cells as the overview writes them; free text («- » lines are bullets there) as Vedlegg 7 does
    cells = [inline(c) for c in CELLS[:-1]] + [blocks(CELLS[-1])]
    table = grid_table([inline("A"), inline("B")], [cells[i:i + 2] for i in (0, 2, 4)])
    args = [a for f in filters for a in ("--lua-filter", str(f))]
    result = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "typst", *args],
                            input=table, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_pandoc_alone_leaves_line_start_markup_in_cells():
    """Why the filter exists: without it the cells hold live Typst list, heading and term markup."""
    typst = _typst()
    assert "[2. kvartal 2023]" in typst and "[= Ikke en overskrift]" in typst


def test_the_filter_escapes_markup_at_the_start_of_every_line_in_a_cell():
    typst = _typst(FILTER)
    starts = [line.strip().lstrip("[") for line in typst.splitlines()]  # what each line of a cell starts with
    for text in ("2. kvartal 2023", "- ikke et kulepunkt", "= Ikke en overskrift", "+ pluss", "/ term: x",
                 "12. mai kom rapporten"):
        assert any(s.startswith("\\" + text) for s in starts), text
        assert not any(s.startswith(text) for s in starts), text
    assert r"\kvartal" not in typst  # the rest of the text as it was


def test_a_row_that_fits_on_a_page_is_kept_whole_and_a_longer_one_may_split(tmp_path):
    short = [inline("Kort tekst"), inline("Levert")]
    long = [blocks("Lang tekst. " * 400), inline("I rute")]  # some 4 800 characters in half the width
    table = grid_table([inline("Oppdrag"), inline("Status")], [short, long])
    result = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "typst", "-s", "--lua-filter",
                             str(FILTER)], input=table, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    cells = re.findall(r"\[(#block\(breakable: false\)\[)?\s*(Kort tekst|Levert|Lang tekst|I rute)", result.stdout)
    assert cells == [("#block(breakable: false)[", "Kort tekst"), ("#block(breakable: false)[", "Levert"),
                     ("", "Lang tekst"), ("", "I rute")]
    (tmp_path / "t.typ").write_text(result.stdout, encoding="utf-8")
    typst.compile(str(tmp_path / "t.typ"), output=str(tmp_path / "t.pdf"))  # what the filter writes is Typst
    assert (tmp_path / "t.pdf").stat().st_size > 0


def _appendix7_pdf(folder, texts: dict[str, str]):
    """Vedlegg 7 with one assignment holding `texts`, through Pandoc's Typst writer with the
    filter and the report's template, on a landscape page as in the book."""
    from report.content.blocks import appendix7
    from report.data.model import Assignment, Dataset

    a = Assignment(id="TEK-01", year=2022, title="Oppdraget", area="teknologi", type="opprinnelig", deadline=None,
                   status="I rute", colour=None, trend=None, responsible="Avdeling e-helse", **texts)
    result = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "typst", "--lua-filter", str(FILTER)],
                            input=appendix7(Dataset(assignments=[a, dataclasses.replace(a, id="TEK-02")]), 2022),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    (folder / "_variables.yml").write_text('{"aar": "2022", "dato": "19. oktober 2022"}', encoding="utf-8")
    template = "\n".join((ROOT / "_extensions" / "nhsp" / name).read_text(encoding="utf-8")
                         for name in ("numbering.typ", "typst-template.typ"))
    body = ('#show: nhsp-bok.with(title: [Statusrapport], author: "Helsedirektoratet")\n= Vedlegg\n== Oppdragene\n'
            "#set page(flipped: true)\n" + result.stdout)
    (folder / "v.typ").write_text(template + body, encoding="utf-8")
    typst.compile(str(folder / "v.typ"), output=str(folder / "v.pdf"), root=str(folder), pdf_standards=["ua-1"])
    return result.stdout, folder / "v.pdf"


def test_every_vedlegg7_table_fills_the_text_width_with_the_same_columns(tmp_path):
    """Pandoc's shares of a grid table's columns add up to less than the whole, the less the
    narrower its source: a table with a long word was wider than the others."""
    source, _ = _appendix7_pdf(tmp_path, {"user_involvement": "Kort.", "effect": "x" * 200})
    columns = re.findall(r"columns: \(([^)]*)\)", source)
    assert len(columns) == 2 and columns[0] == columns[1], columns
    assert sum(float(w.rstrip("%")) for w in columns[0].split(",")) == pytest.approx(100, abs=0.1)


@needs("pdftotext")
def test_a_word_wider_than_its_column_stays_in_its_cell(tmp_path):
    """A URL, a file name, markup or a letter run wider than its column ran over the next cells'
    text in the PDF; now it breaks after its punctuation (or anywhere, for a run of letters
    longer than any word), and the words that fit are as they were."""
    texts = {"user_involvement": "Spesialisthelsetjenesteorganisasjonsutviklingsprosjekt",
             "working_group": "https://www.helsedirektoratet.no/rapporter/nasjonal-helse-og-sykehusplan?id=12345",
             "estimated_completion": "<script>alert('x')</script>",
             "deliverable": "Rapport_om_utskrivningsprosessen_2021_endelig_versjon.pdf",
             "effect": "`x`{=typst}<b>fet</b>{{<var>}}",
             "measured": "a" * 60,
             "uncertainty": "Helsedirektoratet",
             "dependencies": "31.12.2023"}
    _, pdf = _appendix7_pdf(tmp_path, texts)
    assert overprinted(pdf) == []
    page = sorted(next(p for p in words_with_boxes(pdf) if any(w == "Brukermedvirkning" for *_, w in p)),
                  key=lambda b: (b[1], b[0]))
    firsts = [h.split("/")[0].split()[0] for h, _ in schema.APPENDIX7_COLUMNS]
    header = [next(b for b in page if b[4].rstrip("/\u200b") == word) for word in firsts]
    lefts, top = [b[0] for b in header], max(b[3] for b in header)
    columns = ["" for _ in lefts]
    for x0, y0, _, _, w in page:
        if y0 > top and x0 + 1 >= lefts[0]:
            columns[max(i for i, left in enumerate(lefts) if left <= x0 + 1)] += w
    cells = [c.replace("\u200b", "").replace("\u00ad", "").replace("-", "") for c in columns]
    for value in texts.values():
        value = value.replace("'", "«", 1).replace("'", "»", 1).replace("-", "")
        assert any(value in c for c in cells), (value, cells)
    assert "31.12.2023" in [w for *_, w in page], "a word that fits is left as it is"


def test_a_word_before_punctuation_is_left_to_hyphenation_and_code_breaks_anywhere(tmp_path):
    """«Personskadeforbundet).» is a word (Typst hyphenates it, with a hyphen); only code, such as a
    file name, may break between any two letters when it is wider than its column."""
    source, _ = _appendix7_pdf(tmp_path, {"user_involvement": "Brukere (FFO og Personskadeforbundet).",
                                          "deliverable": "Rapport_om_utskrivningsprosessen_2021.pdf",
                                          "measured": "Egnede målområder/indikatorer",
                                          "dependencies": "31.12.2023"})
    assert "Personskadeforbundet)\u200b.\u200b" in source and "målområder/\u200bindikatorer" in source
    assert "u\u200bt\u200bs\u200bk\u200br\u200bi\u200bv" in source
    assert "31.12.2023" in source
