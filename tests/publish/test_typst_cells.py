"""Text in a table cell that starts a line with Typst markup stays text in the PDF
(_extensions/nhsp/typst-celler.lua), run with the Pandoc that Quarto's Typst writer is."""

import subprocess

import pypandoc
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
    for escaped in (r"[\2. kvartal 2023]", r"[\- ikke et kulepunkt]", r"[\= Ikke en overskrift]", r"[\+ pluss]",
                    r"[\/ term: x]", "\\12. mai kom rapporten"):
        assert escaped in typst, escaped
    assert "kvartal 2023]" in typst and r"\kvartal" not in typst  # the rest of the text as it was
