"""`rapport sjekk` checks the chapters' blocks and variables as well as the workbooks."""

import openpyxl
import pytest
from helpers.commands import rapport


def _append(chapter, *lines) -> int:
    """Add lines at the end of a chapter; return the number of the first."""
    text = chapter.read_text(encoding="utf-8").splitlines()
    chapter.write_text("\n".join(text + list(lines)) + "\n", encoding="utf-8")
    return len(text) + 1


def test_sjekk_passes_the_sample_project(project):
    result = rapport(project, "sjekk")
    assert result.returncode == 0, result.stderr
    assert "Ingen feil i regnearkene eller i kapitlene." in result.stdout


def test_sjekk_names_chapter_and_line_of_an_unknown_block_or_variable(project):
    line = _append(project / "chapters" / "oppdrag.qmd",
                   "Per {{< var år >}} er {{< var oppdrag.levet >}} levert.",
                   "{{< blokk aktiviteter-psykisk >}}",
                   "{{< var indikator.A10.sist >}}",
                   "{{< blokk noe-helt-annet >}}")
    result = rapport(project, "sjekk")
    assert result.returncode == 1
    assert "Fant 5 feil (0 i regnearkene i data/, 5 i kapitlene):" in result.stderr
    where = "FEIL: chapters/oppdrag.qmd › linje"
    assert f"{where} {line}: variabelen «år» finnes ikke. Mente du «aar»?\n" in result.stderr
    assert f"{where} {line}: variabelen «oppdrag.levet» finnes ikke. Mente du «oppdrag.levert»?\n" in result.stderr
    assert (f"{where} {line + 1}: blokken «aktiviteter-psykisk» finnes ikke. "
            "Mente du «aktiviteter-psykisk-helse»?\n") in result.stderr
    assert (f"{where} {line + 2}: variabelen «indikator.A10.sist» finnes ikke. "
            "Mente du «indikator.A10.siste»?\n") in result.stderr  # not every indicator's «siste»
    assert f"{where} {line + 3}: blokken «noe-helt-annet» finnes ikke.\n" in result.stderr


def test_sjekk_reports_data_and_chapter_errors_together(project):
    from helpers.workbook_factory import edit

    edit(project / "data" / "oppdrag.xlsx", "Oppdrag", H2="grnn")
    _append(project / "chapters" / "sammendrag.qmd", "{{< blokk vedlegg8 >}}")
    result = rapport(project, "sjekk")
    assert result.returncode == 1
    assert "Fant 2 feil (1 i regnearkene i data/, 1 i kapitlene):" in result.stderr
    assert "oppdrag.xlsx › Oppdrag › H2: «grnn» er ikke en gyldig farge" in result.stderr
    assert "chapters/sammendrag.qmd › linje" in result.stderr and "«vedlegg8» finnes ikke" in result.stderr


def test_dates_typed_as_text_print_as_norwegian_dates(project):
    from helpers.workbook_factory import edit

    # SAM-01 and SAM-02 are rows 2 and 3; F is Frist. Text cells, as Excel stores a typed text.
    edit(project / "data" / "oppdrag.xlsx", "Oppdrag", F2="2023-12-31", F3="31/12/2023", F4="2023-12")
    checked = rapport(project, "sjekk")
    assert checked.returncode == 0, checked.stderr
    assert ("oppdrag.xlsx › Oppdrag › F4: «2023-12» er lest som tekst, ikke som dato. "
            "Er det en dato, skriv dag.måned.år (31.12.2023)") in checked.stdout
    assert "F2" not in checked.stdout and "F3" not in checked.stdout
    assert rapport(project, "generer").returncode == 0
    overview = (project / "_generert" / "blokker" / "oppdrag-oversikt.md").read_text(encoding="utf-8")
    overview = overview.replace("\\", "")  # Markdown escapes: 31\.12\.2023
    assert overview.count("frist 31.12.2023") >= 2
    assert "2023-12-31" not in overview and "31/12/2023" not in overview


def test_a_sheet_without_rows_for_the_year_is_named(project):
    """Rows for another year only (or none): the report's tables for the year came out empty, and
    sjekk said «Ingen feil» without a word."""
    book = openpyxl.load_workbook(project / "data" / "oppdrag.xlsx")
    sheet = book["Oppdrag"]
    for row in reversed(range(2, sheet.max_row + 1)):
        if sheet.cell(row, 2).value in (2022, "2022"):
            sheet.delete_rows(row)
    book.save(project / "data" / "oppdrag.xlsx")
    result = rapport(project, "sjekk")
    assert result.returncode == 0, result.stderr
    assert ("ADVARSEL: oppdrag.xlsx › Oppdrag: ingen rader for 2022 (året i rapport.toml); arket har rader for "
            "2021. Tabellene og tallene for året blir tomme i rapporten") in result.stdout
    assert "Helsefellesskap › Status" not in result.stdout and "Status: ingen rader" not in result.stdout


def _setting(project, file, old, new) -> None:
    path = project / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("file, old, new, expected", [
    ("rapport.toml", "aar = 2022", 'aar = "tjue"',
     "rapport.toml › aar: «tjue» er ikke et årstall. Skriv for eksempel aar = 2022."),
    ("rapport.toml", "dato = 2022-10-19", 'dato = "19.13.2022"',
     "rapport.toml › dato: «19.13.2022» er ikke en dato. Skriv den som dato = 2022-10-19 (år, måned, dag)."),
    ("rapport.toml", "aar = 2022", "",
     "rapport.toml › aar: innstillingen mangler. Skriv for eksempel aar = 2022."),
    ("rapport.toml", "aar = 2022", "aar = 2022\naar = 2023",
     "rapport.toml › linje 5: filen kan ikke leses: en innstilling står to ganger."),
    ("rapport.toml", 'kontakt = "Helsedirektoratet', 'kontakt = "Helsedirektoratet\n',
     "rapport.toml › linje 8: filen kan ikke leses: et anførselstegn er ikke lukket."),
    ("rapport.toml", "[rapport]", "[rapporten]",
     "rapport.toml: delen «[rapport]» mangler: innstillingene står under en linje med [rapport]"),
    ("_quarto.yml", "  title:", '  title: "Rapportering\n  ttl:',
     "_quarto.yml › linje {line}: filen kan ikke leses: et anførselstegn eller en klamme er ikke lukket, eller et "
     "innrykk stemmer ikke, og da stopper Quarto."),
    ("_quarto.yml", "\nbook:\n", "\nbook: [1, 2]\nbok:\n",
     "_quarto.yml: filen kan ikke leses: «book:» skal ha innstillinger under seg"),
])
def test_settings_that_cannot_be_used_are_named_with_line_and_what_is_expected(project, file, old, new, expected):
    """A writer's typo in rapport.toml or _quarto.yml: every command says where and what is expected,
    with no trace of Python's, and the last report stays."""
    _setting(project, file, old, new)
    if "{line}" in expected:
        expected = expected.format(line=1 + next(n for n, line in enumerate(
            (project / file).read_text(encoding="utf-8").splitlines()) if '"Rapportering' in line))
    (project / "_bok").mkdir()
    (project / "_bok" / "rapport.pdf").write_bytes(b"forrige rapport")
    for command in ("sjekk", "bygg", "generer", "innspill"):
        result = rapport(project, *command.split(), *(["lag"] if command == "innspill" else []))
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        assert f"FEIL: {expected}" in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.stderr, (command, result.stderr)
    assert (project / "_bok" / "rapport.pdf").read_bytes() == b"forrige rapport"
    assert not (project / "_generert").exists()


def test_a_project_without_quartos_settings_is_an_error(project):
    (project / "_quarto.yml").unlink()
    for command in ("sjekk", "bygg"):
        result = rapport(project, command)
        assert result.returncode == 1, result.stdout
        assert "FEIL: _quarto.yml: filen mangler, og uten den vet ikke Quarto hvilke kapitler rapporten har." \
            in result.stderr, result.stderr
