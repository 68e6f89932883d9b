"""The sample chapters take every number from the data, and `rapport sjekk` says what is unfinished."""

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from helpers.bookfiles import book_files, resolve
from helpers.commands import rapport
from helpers.project import ROOT

from report.content.norsk import NBSP
from report.content.references import find_references
from report.data.load import load_dataset

# Chapters written from the data: only the plan's name may hold digits outside the shortcodes.
FROM_DATA = ["index.qmd", "chapters/sammendrag.qmd", "chapters/vurderinger.qmd", "chapters/helsefellesskap.qmd",
             *(f"chapters/{a}.qmd" for a in ("samhandling", "pasienten-som-aktiv-deltaker", "psykisk-helse",
                                             "akuttmedisin", "teknologi", "kompetanse", "finansiering"))]
CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


def _set_value(path: Path, indicator: str, period: str, value: float) -> None:
    """Change one value in the Verdier sheet, as a writer in a spreadsheet program would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Verdier"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == indicator and str(row[1].value) == period and row[2].value == "land":
            row[4].value = value
            wb.save(path)
            return
    raise KeyError((indicator, period))


def _resave_with_libreoffice(path: Path, tmp_path: Path) -> None:
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(tmp_path / "lagret"), str(path)],
                   check=True, capture_output=True, timeout=180)
    shutil.copy(tmp_path / "lagret" / path.name, path)


@pytest.mark.parametrize("program", ["openpyxl", "libreoffice"])
def test_a_changed_value_in_the_workbook_is_the_new_number_in_the_text(project, tmp_path, program):
    if program == "libreoffice" and not (shutil.which("soffice") and CALC.exists()):
        pytest.skip("LibreOffice Calc er ikke installert")
    book = project / "data" / "indikatorer.xlsx"
    _set_value(book, "A10", "2021", 51.2)
    if program == "libreoffice":
        _resave_with_libreoffice(book, tmp_path)
    result = rapport(project, "generer")
    assert result.returncode == 0, result.stderr
    summary = resolve(project, (project / "chapters" / "sammendrag.qmd").read_text(encoding="utf-8"))
    assert f"økte med\n7\\,1{NBSP}døgn til 51\\,2{NBSP}døgn" in summary  # 51,2 − 44,1
    assert "49\\,6" not in summary
    assessments = resolve(project, (project / "chapters" / "vurderinger.qmd").read_text(encoding="utf-8"))
    assert f"16\\,1{NBSP}\\%" in assessments  # the change in per cent: 7,1 / 44,1


def test_the_summary_counts_add_up_and_take_every_number_from_a_variable(project):
    result = rapport(project, "generer")
    assert result.returncode == 0, result.stderr
    text = resolve(project, (project / "chapters" / "sammendrag.qmd").read_text(encoding="utf-8"))
    text = " ".join(text.split())
    m = re.search(r"på (\d+) oppdrag under planen\. Av dem er (\d+) levert, (\d+) i rute, (\d+) forsinket og "
                  r"(\d+) ikke startet, mens (\d+) er avsluttet", text)
    assert m, text[:600]
    total, *parts = map(int, m.groups())
    assert total == sum(parts) == 18


@pytest.mark.parametrize("chapter", FROM_DATA)
def test_no_number_is_typed_by_hand(chapter):
    text = (ROOT / chapter).read_text(encoding="utf-8")
    text = re.sub(r"\{\{<.*?>\}\}", "", text)
    text = re.sub(r"[#@](fig|tbl|sec)-[\w-]+", "", text).replace("2020–2023", "")
    typed = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if re.search(r"\d", line)]
    assert typed == []


def test_every_indicator_with_values_is_used_in_the_sample_chapters():
    dataset, problems = load_dataset(ROOT / "data")
    assert problems.errors == []
    used = {r.name.split(".")[1] if r.kind == "var" else r.name.removeprefix("figur-")
            for r in find_references(ROOT) if r.name.startswith(("indikator.", "figur-"))}
    with_values = {i for i in dataset.indicators if dataset.values_for(i)}
    assert with_values - used == set()
    kompetanse = (ROOT / "chapters" / "kompetanse.qmd").read_text(encoding="utf-8")
    assert "indikator.A31." in kompetanse and "ingen indikatorer" not in kompetanse


def test_the_sample_chapters_build_without_warnings(project):
    result = rapport(project, "generer")
    assert result.returncode == 0, result.stderr
    assert "ADVARSEL" not in result.stdout, result.stdout
    assert [f for f in book_files(project) if not f.is_file()] == []


def test_a_variable_the_data_lacks_is_a_warning_naming_chapter_and_line(project):
    chapter = project / "chapters" / "teknologi.qmd"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    lines.append("Landet samlet: {{< var indikator.A15.siste >}}.")
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = rapport(project, "generer")
    assert result.returncode == 0, result.stderr
    assert (f"ADVARSEL: chapters/teknologi.qmd › linje {len(lines)}: variabelen «indikator.A15.siste» har ingen "
            "verdi i dataene og vises som «–»." in result.stdout)


def test_sjekk_names_every_placeholder_with_chapter_and_line(project):
    chapter = project / "chapters" / "sammendrag.qmd"
    lines = chapter.read_text(encoding="utf-8").splitlines() + ["", "[UFERDIG] Avsnitt om risiko for neste år."]
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = rapport(project, "sjekk")
    assert result.returncode == 0, result.stderr
    assert (f"ADVARSEL: chapters/sammendrag.qmd › linje {len(lines)}: uferdig tekst: "
            "«[UFERDIG] Avsnitt om risiko for neste år.»") in result.stdout
    assert ("ADVARSEL: chapters/vedlegg-4-nyhetsbrev.qmd › linje 3: uferdig tekst: "
            "«Skriv her om nyhetsbrevene til helsefellesskapene i året.»") in result.stdout
    count = int(re.search(r"(\d+) steder i kapitlene er ikke ferdige", result.stdout).group(1))
    assert count == result.stdout.count("uferdig tekst:")


def test_sjekk_lists_the_variables_with_their_current_values(project):
    result = rapport(project, "sjekk", "--variabler", "A10")
    assert result.returncode == 0, result.stderr
    listed = dict(line.split(None, 1) for line in result.stdout.splitlines()[1:])
    assert listed["indikator.A10.siste"] == f"49,6{NBSP}døgn"  # as the report shows it, without escapes
    assert listed["indikator.A10.retning"] == "økte"
    assert result.stdout.startswith(f"{len(listed)} variabler for 2022 med «A10» i navnet")
    everything = rapport(project, "sjekk", "--variabler")
    assert "oppdrag.psykisk-helse.levert" in everything.stdout
    assert "indikatorer.samhandling.riktig_retning" in everything.stdout


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto er ikke installert på denne maskinen")
def test_quarto_shows_the_changed_value_in_the_rendered_summary(project):
    # As README tells writers: Quarto runs with .venv activated, so its pre-render step finds the tool.
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    _set_value(project / "data" / "indikatorer.xlsx", "A10", "2021", 51.2)
    result = subprocess.run(["quarto", "render", "--to", "html"], cwd=project, capture_output=True, text=True,
                            timeout=900, env={**os.environ, "PATH": path})
    assert result.returncode == 0, result.stderr[-4000:]
    page = (project / "_bok" / "chapters" / "sammendrag.html").read_text(encoding="utf-8")
    text = re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))  # keeps no-break spaces
    assert f"økte med 7,1{NBSP}døgn til 51,2{NBSP}døgn i 2021" in text
    assert "Av dem er 7 levert, 7 i rute, 2 forsinket og 1 ikke startet, mens 1 er avsluttet" in text
