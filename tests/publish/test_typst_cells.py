"""Text in a table cell that starts a line with Typst markup stays text in the PDF
(_extensions/nhsp/typst-celler.lua), run with the Pandoc that Quarto's Typst writer is."""

import re
import subprocess

import pypandoc
import typst
from helpers.project import ROOT

from report.content.markdown import blocks, inline
from report.content.tables import grid_table

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
