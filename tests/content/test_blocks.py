"""Generated blocks in the publication's form: Aktiviteter, Vedlegg 2 checklist, Tabell 5.2."""

import dataclasses
import datetime as dt
import re

import pytest
from helpers.project import ROOT

from report.content.blocks import activities, new_assignments, partnership_status, verdict_summary
from report.data.load import load_dataset
from report.data.model import Dataset, Partnership, PartnershipStatus


@pytest.fixture(scope="module")
def dataset():
    ds, problems = load_dataset(ROOT / "data")
    assert problems.errors == []
    return ds


def test_activities_give_each_assignment_a_subsection_with_status_and_what_was_done(dataset):
    text = activities(dataset, 2022, "samhandling")
    assert text.count("### ") == 3
    assert ("### Utskrivningsprosessen {.unnumbered .unlisted}\n\n**Status:** Levert – frist 15\\.09\\.2022. "
            "Fremdrift: [Grønn]{.fremdrift .fremdrift-gronn}.") in text
    assert "- Rapport levert HOD 1\\. september 2021 og publisert" in text
    assert "**Leveranse:** Rapport \\(hovedleveranse\\) levert" in text


def test_vedlegg2_is_a_checklist_per_helsefellesskap_grouped_by_rhf(dataset):
    text = partnership_status(dataset, 2022)
    assert [line for line in text.splitlines() if line.startswith("### ")] == [
        "### Helse Sør\\-Øst", "### Helse Vest", "### Helse Midt\\-Norge", "### Helse Nord"]
    innlandet = text[text.index("#### Helsefellesskap Innlandet"):text.index("#### Helsefellesskap Vestre Viken")]
    for line in ["- Kommuner: 42", "- Formelt etablert: ja", "- Første partnerskapsmøte: 13\\. desember 2021",
                 "- Strategisk samarbeidsutvalg: ja", "- Faglige samarbeidsutvalg: ja",
                 "- Kommunalt sekretariat: ja"]:
        assert line in innlandet
    assert "Nettside" not in innlandet and "ikke oppgitt" not in innlandet  # left out, said once above
    assert text.startswith("Punkter som ikke er oppgitt for et helsefellesskap")
    helgeland = text[text.index("#### Helsefellesskap Helgeland"):]
    assert "- Formelt etablert: nei" in helgeland and "- Kommunalt sekretariat: nei" in helgeland


@pytest.mark.parametrize("website, shown", [
    ("https://helsefellesskap.no/innlandet", "<https://helsefellesskap.no/innlandet>"),
    ("javascript:alert(1)", "javascript\\:alert\\(1\\)"),
    ("https://x.no/<script>", "https\\:\\/\\/x\\.no\\/\\<script\\>"),
])
def test_a_website_is_a_link_only_when_it_is_a_plain_address(website, shown):
    p = Partnership(1, "Helsefellesskap Agder", "Sørlandet sykehus HF", "Helse Sør-Øst", None, dt.date(2020, 1, 6))
    s = PartnershipStatus(2022, p.name, True, False, "", strategic_council=True, website=website)
    text = partnership_status(Dataset(partnerships=[p], partnership_status=[s]), 2022)
    assert f"- Nettside: {shown}\n" in text
    assert "- Første partnerskapsmøte: 6\\. januar 2020" in text
    assert "Faglige samarbeidsutvalg" not in text


def test_new_assignments_are_grouped_by_kind_with_status_and_deadline(dataset):
    rows = [line for line in new_assignments(dataset, 2022).splitlines() if line.startswith("| ")]
    assert rows[0] == "| Oppdrag | Område | Status og frist |"
    kinds = [i for i, r in enumerate(rows) if r.startswith("| **")]
    assert [rows[i].split("|")[1].strip() for i in kinds] == ["**Tilleggsoppdrag**", "**Oppfølgingsoppdrag**"]
    assert "| Utskrivningsprosessen | Samhandling | Levert – frist 15\\.09\\.2022 |" in rows[kinds[1]:]
    assert "| Kunstig Intelligens \\(KI\\) | Teknologi | I rute – frist 31\\.12\\.2023 |" in rows[:kinds[1]]
    only_original = Dataset(assignments=[dataclasses.replace(a, type="opprinnelig") for a in dataset.assignments])
    assert "Ingen nye oppdrag" in new_assignments(only_original, 2022)


class _Move:
    def __init__(self, verdict):
        self.verdict = verdict


@pytest.mark.parametrize("right, wrong, same, undirected, sentence", [
    (1, 0, 0, 0, "Den ene indikatoren med ønsket retning gikk i riktig retning."),
    (0, 0, 1, 0, "Den ene indikatoren med ønsket retning var uendret."),
    (3, 0, 0, 0, "Alle de tre indikatorene med ønsket retning gikk i riktig retning."),
    (0, 2, 0, 0, "Begge indikatorene med ønsket retning gikk i feil retning."),
    (1, 2, 0, 0, "Av de tre indikatorene med ønsket retning gikk én i riktig retning og to i feil retning."),
    (0, 2, 1, 0, "Ingen av de tre indikatorene med ønsket retning gikk i riktig retning: to gikk i feil retning, "
                 "og én var uendret."),
    (4, 6, 0, 1, "Av de ti indikatorene med ønsket retning gikk fire i riktig retning og seks i feil retning. "
                 "I tillegg har én indikator ingen ønsket retning og vurderes ikke."),
    (0, 0, 0, 13, "Ingen av de 13 indikatorene har en ønsket retning, så de vurderes ikke."),
])
def test_the_indicator_summary_reads_as_bokmal_never_zero_never_a_digit_first(right, wrong, same, undirected, sentence):
    moves = [_Move(v) for v, n in (("bedre", right), ("verre", wrong), ("uendret", same), ("uten retning", undirected))
             for _ in range(n)]
    text = verdict_summary(moves)
    assert text == sentence
    assert not any(s.strip()[:1].isdigit() for s in text.split(". ")) and " 0 " not in f" {text} "


def test_readers_see_titles_not_internal_keys():
    """SAM-01, TEK-02 are the workbooks' keys; headings and lists name the assignment."""
    dataset, _ = load_dataset(ROOT / "data")
    from report.content.blocks import appendix7, changes

    for text in (appendix7(dataset, 2022), changes(dataset, 2022)):
        keys = re.findall(r"\b[A-Z]{3}\\?-\d\d\b", text)
        assert keys == [], keys[:5]
    assert "### Revidering av veileder for samarbeidsavtalene" in appendix7(dataset, 2022)


@pytest.mark.parametrize("deadline, shown", [
    (dt.date(2023, 3, 31), "I rute – frist 31.03.2023"), ("1. kvartal 2023", "I rute – frist 1. kvartal 2023"),
    ("Årlig", "I rute – årlig frist"), ("Løpende", "I rute – løpende frist"),
    ("Ikke avklart", "I rute – frist ikke avklart"), ("RHF-enes frist", "I rute – frist RHF-enes frist"),
    (None, "I rute"),
])
def test_a_deadline_reads_as_part_of_the_sentence(deadline, shown):
    from report.content.blocks import status_text

    a = dataclasses.replace(next(iter(load_dataset(ROOT / "data")[0].assignments)), status="I rute", deadline=deadline)
    assert status_text(a) == shown
