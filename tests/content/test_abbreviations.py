"""Vedlegg 7's abbreviations: those the departments' texts use and the editor's list lacks are
named by `rapport sjekk`, with the assignment and column; inflected forms count as explained."""

from helpers.commands import rapport
from helpers.workbook_factory import edit


def test_sjekk_names_the_abbreviations_the_list_lacks_with_assignment_and_column(project):
    result = rapport(project, "sjekk")
    assert result.returncode == 0, result.stderr
    assert ("ADVARSEL: oppdrag.xlsx › Oppdrag › rad 9: forkortelsen «NUBU», brukt i PSY-01, kolonnen «Arbeidsgruppe/egen "
            "referansegruppe (intern/ekstern representasjon)», står ikke i tabellen over forkortelser i "
            "chapters/vedlegg-7-enkeltoppdrag.qmd.") in result.stdout
    rhf = next(line for line in result.stdout.splitlines() if "forkortelsen «RHF»" in line)
    assert "(også «RHF-ene», «RHF-rapport» og «RHFene»)" in rhf  # one warning for its forms
    assert "«FHI»" not in result.stdout and "«NHSP»" not in result.stdout  # in the list


def test_a_listed_abbreviation_explains_its_inflected_forms_and_capital_words_are_not_abbreviations(project):
    chapter = project / "chapters" / "vedlegg-7-enkeltoppdrag.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(
        "| TSB |", "| RHF | regionalt helseforetak |\n| NUBU | Nasjonalt utviklingssenter for barn og unge |\n| TSB |"),
        encoding="utf-8")
    edit(project / "data" / "oppdrag.xlsx", "Oppdrag", M2="Vurdering av fremdrift er RØD. Trenden er GUL.")
    result = rapport(project, "sjekk")
    assert "«RHF»" not in result.stdout and "«NUBU»" not in result.stdout
    assert "«RØD»" not in result.stdout and "«GUL»" not in result.stdout
    assert "«KS»" in result.stdout  # still missing
