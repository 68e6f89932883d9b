"""The last guard of a build and Quarto's messages, on what a real Quarto wrote: a small book
rendered whole, and rendered with one shortcode missing its «}» (tests/fixtures/avkortet/, see
the README there). Quarto said nothing and exited 0; the PDF and the Word file lost everything
after the shortcode, the web page the rest of that chapter."""

import io
import os
import signal
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from helpers.commands import rapport, start_rapport
from helpers.project import FIXTURES

from report.publish.complete import chapter_marks, missing_chapters
from report.publish.quarto import find_quarto
from report.publish.quarto_log import QuartoLog

BOOK = FIXTURES / "avkortet"


def test_a_whole_book_has_every_chapter_in_every_format():
    assert missing_chapters(BOOK / "bok", BOOK / "hel") == {}


def test_a_book_cut_short_is_found_in_each_format():
    assert missing_chapters(BOOK / "bok", BOOK / "avkortet") == {
        "nettsidene": ["chapters/a.qmd"],
        "PDF": ["chapters/a.qmd", "chapters/b.qmd", "chapters/c.qmd"],
        "Word": ["chapters/a.qmd", "chapters/b.qmd", "chapters/c.qmd"],
    }


def test_a_chapter_is_known_by_its_first_and_last_heading():
    assert chapter_marks(BOOK / "bok", "chapters/a.qmd") == ["førstekapittel", "utviklingenitall"]
    assert chapter_marks(BOOK / "bok", "index.qmd") == ["forord"]


def test_only_headings_every_format_shows_mark_a_chapter(tmp_path):
    (tmp_path / "kapittel.qmd").write_text(
        "# Tittel med [lenke](https://helsenorge.no) og &amp; $x^2$ {#sec-x}\n\n"
        "::: {.content-visible when-format=\"html\"}\n## Bare på nettet\n:::\n\n"
        "::: {.callout-note}\n## Merknad i boks\n:::\n\n"
        "```\n## Kode, ikke overskrift\n```\n\n"
        "::: {.landscape}\n## Liggende del\n:::\n", encoding="utf-8")
    assert chapter_marks(tmp_path, "kapittel.qmd") == ["tittelmedlenkeog", "liggendedel"]


def _log(details: bool) -> tuple[QuartoLog, str]:
    out = io.StringIO()
    log = QuartoLog(details, out)
    for line in (BOOK / "avkortet.log").read_text(encoding="utf-8").splitlines(keepends=True):
        log.add(line)
    log.print_warnings()
    return log, out.getvalue()


def test_quartos_progress_is_shown_and_its_settings_are_not():
    _, shown = _log(details=False)
    assert "[1/4] index.qmd\n" in shown and "[4/4] chapters/c.qmd\n" in shown
    assert "[typst]: Compiling index.typ to index.pdf...DONE" in shown
    assert "\x1b[" not in shown  # Quarto's colours taken off
    for hidden in ("pandoc", "metadata", "  to: docx", "output-file", "Output created"):
        assert hidden not in shown
    assert ("1 advarsler fra Quarto (rett dem i kapitlene; «rapport bygg --detaljer» viser alt):\n"
            "  ADVARSEL: henvisningen «@fig-zz9» viser ikke til noe og vises som «?@fig-zz9»\n") in shown


def test_with_details_everything_quarto_said_is_shown():
    log, shown = _log(details=True)
    assert "  to: docx" in shown and "pandoc" in shown and "Output created: _bok/index.html" in shown
    assert len(shown.splitlines()) >= len(log.lines)


needs_quarto = pytest.mark.skipif(find_quarto() is None, reason="quarto er ikke installert på denne maskinen")


@needs_quarto
def test_ctrl_c_stops_the_build_and_leaves_nothing_behind(project):
    (project / "_bok").mkdir()
    (project / "_bok" / "rapport.pdf").write_bytes(b"forrige rapport")
    before = sorted(str(p.relative_to(project)) for p in project.rglob("*"))
    # A terminal sends Ctrl-C to the foreground process group: the command and what it started.
    build = start_rapport(project, "bygg", stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    # Quarto works in a copy of the sources per format (report/publish/formats.py)
    while time.monotonic() < deadline and not list(project.glob(".bygg/*/chapters/*.html")) \
            and not list(project.glob(".bygg/*/index.html")):
        time.sleep(0.2)
    assert time.monotonic() < deadline, "Quarto wrote no page beside the chapters to interrupt"
    os.killpg(build.pid, signal.SIGINT)
    out, err = build.communicate(timeout=60)
    assert build.returncode == 130, err
    assert "Byggingen ble stoppet før den var ferdig. Forrige versjon i _bok/ er beholdt. Ingen filer er latt igjen." \
        in err
    after = sorted(str(p.relative_to(project)) for p in project.rglob("*")
                   if not str(p.relative_to(project)).startswith(("_generert", "_variables.yml", ".quarto", "._generert")))
    assert [p for p in after if p not in before and not p.endswith(".lock")] == []
    assert (project / "_bok" / "rapport.pdf").read_bytes() == b"forrige rapport"
    assert not (project / ".bygg").exists()


@needs_quarto
def test_a_failed_render_keeps_the_report_says_why_and_leaves_nothing_behind(project):
    (project / "_bok").mkdir()
    (project / "_bok" / "rapport.pdf").write_bytes(b"forrige rapport")
    chapter = project / "chapters" / "kompetanse.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + '\n```{=typst}\n#panic("ødelagt")\n```\n',
                       encoding="utf-8")
    before = {p for p in project.rglob("*") if not p.relative_to(project).parts[0].startswith(("_generert", "."))}
    result = rapport(project, "bygg")
    assert result.returncode != 0
    assert "Quartos melding:" in result.stderr and "ødelagt" in result.stderr  # what went wrong, not only that
    assert "Quarto stoppet med feil (se meldingene over). Forrige versjon i _bok/ er beholdt." in result.stderr
    after = {p for p in project.rglob("*") if not p.relative_to(project).parts[0].startswith(("_generert", "."))}
    assert sorted(str(p.relative_to(project)) for p in after - before if p.name != "_variables.yml") == []
    assert (project / "_bok" / "rapport.pdf").read_bytes() == b"forrige rapport"
    assert not (project / ".bok-ny").exists()


@needs_quarto
def test_bad_workbooks_stop_the_build_before_quarto_with_each_problem_said_once(project):
    """The pre-render step's problems are the build's whole message: Quarto never ran."""
    (project / "_bok").mkdir()
    (project / "_bok" / "rapport.pdf").write_bytes(b"forrige rapport")
    book = openpyxl.load_workbook(project / "data" / "oppdrag.xlsx")
    book["Oppdrag"]["H3"] = "grnn"
    book["Oppdrag"]["B4"] = None
    book.save(project / "data" / "oppdrag.xlsx")
    result = rapport(project, "bygg")
    output = result.stdout + result.stderr
    assert result.returncode == 1
    for problem in ("oppdrag.xlsx › Oppdrag › H3: «grnn» er ikke en gyldig farge", "oppdrag.xlsx › Oppdrag › B4: «År» må fylles ut"):
        assert output.count(problem) == 1, output
    assert "Quarto" not in output, "Quarto never ran"
    assert "Rapporten ble ikke bygget. Forrige versjon i _bok/ er beholdt." in result.stderr
    assert (project / "_bok" / "rapport.pdf").read_bytes() == b"forrige rapport"
    assert not (project / ".bygg").exists()


def test_a_quarto_error_is_said_with_the_projects_paths_and_without_quartos_stack_trace(capsys):
    """Quarto's error as it printed it in the copy `rapport bygg` renders in (a file a taken-in file
    takes in is missing): shown with its message and the project's paths, without the trace
    through Quarto's code."""
    run = QuartoLog(out=io.StringIO(), copy=Path("/tmp/w/yt/.bygg/html"))  # where it was rendered
    for line in (BOOK / "inkludering-feilet.log").read_text(encoding="utf-8").splitlines(keepends=True):
        run.add(line)
    build = QuartoLog()
    build.lines += [f"[HTML] {line}" for line in run.lines]  # as the build gathers a failed format's lines
    build.print_failure()
    said = capsys.readouterr().err
    assert said.startswith("Quartos melding:\n  [HTML] ERROR: Include directive failed.\n"), said
    assert "[HTML]   could not find file chapters/finnes-ikke.qmd." in said, said
    assert ".bygg" not in said and "Stack trace" not in said and "include-standalone.ts" not in said, said


@needs_quarto
def test_a_quarto_error_in_a_build_is_said_and_the_report_kept(project):
    """An error only Quarto finds (metadata of a kind it does not take) stops the build with
    Quarto's own words about the chapter, and the last report stays."""
    chapter = project / "chapters" / "kompetanse.qmd"
    chapter.write_text("---\nnumber-depth: tre\n---\n\n" + chapter.read_text(encoding="utf-8"), encoding="utf-8")
    (project / "_bok").mkdir()
    (project / "_bok" / "rapport.pdf").write_bytes(b"forrige rapport")
    result = rapport(project, "bygg")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    failure = result.stderr[result.stderr.index("Quartos melding:"):]
    assert "In file chapters/kompetanse.qmd" in failure and 'Field "number-depth" has value tre' in failure, failure
    assert "Quarto stoppet med feil (se meldingene over). Forrige versjon i _bok/ er beholdt." in result.stderr
    assert ".bygg" not in output
    assert not [line for line in output.splitlines() if line.strip().startswith(("at ", "Stack trace"))]
    assert (project / "_bok" / "rapport.pdf").read_bytes() == b"forrige rapport"
