"""Vedlegg 7 as the publication has it: deliveries as rows of one table, «Overordnet status» across
the table with the colour and trend in words, and the Status header's prompt."""

import dataclasses
import re

import pytest
from helpers.project import ROOT

from report.check import summary
from report.content.abbreviations import unexplained
from report.content.blocks import activities, appendix7, overview
from report.content.changes import assignment_changes
from report.data import schema
from report.data.load import load_dataset
from report.data.model import Assignment, Dataset


def _assignment(**fields) -> Assignment:
    base = dict(id="TEK-09", year=2022, title="Digi-Hjem", area="teknologi", type="opprinnelig", deadline=None,
                status="I rute", colour="gul", trend="bedre", responsible="Avdeling e-helse")
    return Assignment(**{**base, **fields})


def _tables(text: str) -> dict[str, list[list[str]]]:
    """Each table under its heading: its body rows, each row as its cells' text (a row across the
    whole table is one cell)."""
    tables = {}
    for part in re.split(r"^### ", text, flags=re.M)[1:]:
        title, _, table = part.partition("\n")
        body = table.split("+:=", 1)[1].split("\n", 1)[1]
        blocks = re.split(r"^\+[-+]+\+$", body, flags=re.M)
        tables[title.strip()] = [_cells(b) for b in blocks if b.strip()]
    return tables


def _cells(block: str) -> list[str]:
    """A grid table row's cells, each cell's lines joined."""
    lines = [ln for ln in block.strip().splitlines() if ln.startswith("|")]
    count = len(lines[0].strip("|").split("|"))
    return [" ".join(ln.strip("|").split("|")[i].strip() for ln in lines).strip() for i in range(count)]


@pytest.fixture
def digi_hjem() -> Dataset:
    parts = [_assignment(part=name, status=status, status_text=f"Status for {name}.")
             for name, status in [("Råd og veiledning", "Levert"), ("Video", "Forsinket"), ("Indikatorer", "I rute")]]
    return Dataset(assignments=[parts[0], _assignment(id="SAM-09", title="Annet oppdrag", area="samhandling",
                                                      colour=None, trend=None), *parts[1:]])


def test_three_deliveries_are_three_rows_of_one_table_under_one_title(digi_hjem):
    tables = _tables(appendix7(digi_hjem, 2022))
    assert list(tables) == ["Annet oppdrag", "Digi\\-Hjem"]
    rows = tables["Digi\\-Hjem"]
    assert len(rows) == 3 and all(len(r) == len(schema.APPENDIX7_COLUMNS) for r in rows)
    assert [r[0].split("**")[1] for r in rows] == ["Råd og veiledning", "Video", "Indikatorer"]
    assert "Forsinket" in rows[1][0] and "Status for Video\\." in rows[1][2]  # its own status and text


def test_deliveries_count_once_in_the_overview_the_counts_and_the_changes(digi_hjem):
    assert [a.key for a in digi_hjem.assignments_for(2022)] == ["TEK-09 – Råd og veiledning", "SAM-09"]
    assert "  Teknologi: 1 (levert 1)" in summary(digi_hjem, 2022)  # the first row stands for the assignment
    assert overview(digi_hjem, 2022).count("Digi\\-Hjem") == 1
    last_year = [dataclasses.replace(a, year=2021, status="Forsinket") for a in digi_hjem.assignments]
    changes = assignment_changes(Dataset(assignments=digi_hjem.assignments + last_year), 2022)
    assert [a.key for a, _ in changes.done] == ["TEK-09 – Råd og veiledning"]  # once, as the assignment
    assert changes.new == [] and [a.id for a, *_ in changes.status] == ["SAM-09"]


def test_the_assignments_own_row_stands_for_it_and_is_named_beside_its_deliveries():
    own = _assignment(status="Forsinket", status_text="Samlet sett forsinket.")
    ds = Dataset(assignments=[_assignment(part="Video", status="Levert"), own])
    assert ds.assignments_for(2022) == [own]
    rows = _tables(appendix7(ds, 2022))["Digi\\-Hjem"]
    assert [r[0].split("**")[1] for r in rows] == ["Hele oppdraget", "Video"]
    # an own row without texts only names the assignment: the deliveries alone make the table
    ds = Dataset(assignments=[_assignment(), _assignment(part="Video")])
    assert [r[0].split("**")[1] for r in _tables(appendix7(ds, 2022))["Digi\\-Hjem"]] == ["Video"]


def test_overall_status_is_a_row_across_the_table_with_colour_and_trend_in_words():
    ds = Dataset(assignments=[_assignment(status_text="Tiltakene følges opp.", colour="rød", trend="uendret",
                                          overall_status="Vurderingen er RØD.\n\n- Ett tiltak er stanset")])
    rows = _tables(appendix7(ds, 2022))["Digi\\-Hjem"]
    assert len(rows) == 2 and len(rows[0]) == len(schema.APPENDIX7_COLUMNS) and len(rows[1]) == 1
    across = rows[1][0]
    assert across.startswith("**Overordnet status.** Fremdrift: [rød]{.fremdrift .fremdrift-rod}. Trend: uendret.")
    assert "Vurderingen er RØD\\." in across and "- Ett tiltak er stanset" in across
    plain = Dataset(assignments=[_assignment(colour=None, trend=None, overall_status="Alt går etter planen.")])
    across = _tables(appendix7(plain, 2022))["Digi\\-Hjem"][1][0]
    assert across.startswith("**Overordnet status.**") and "Fremdrift" not in across and "Trend" not in across


def test_overall_status_is_data_not_markup():
    hostile = "| a | b |\n+---+---+\n{{< var aar >}} <script>x</script> ```{=typst}"
    rows = _tables(appendix7(Dataset(assignments=[_assignment(overall_status=hostile)]), 2022))["Digi\\-Hjem"]
    assert len(rows) == 2 and len(rows[1]) == 1  # the cell's own bars did not make columns
    assert "{{<" not in rows[1][0] and "<script>" not in rows[1][0] and "```" not in rows[1][0]


def test_the_status_header_carries_the_prompt_from_the_settings():
    ds = Dataset(assignments=[_assignment(status_text="Tekst.")])
    text = appendix7(ds, 2022)
    header = _cells(text.split("+:=")[0].split("\n", 3)[3])
    status = header[[f for _, f in schema.APPENDIX7_COLUMNS].index("status_text")]
    assert " ".join(status.split()) == ("Status  [Hva har skjedd og hva er planen fremover \\/ Ressurssituasjon]"
                                        '{.ledetekst custom-style="Ledetekst"}').replace("  ", " ")
    assert "Covid" not in text
    assert ".ledetekst" not in appendix7(ds, 2022, prompt="")
    assert "Fremdriftsplan" in appendix7(ds, 2022, prompt="Fremdriftsplan")


def test_the_prompt_is_a_setting_in_rapport_toml(tmp_path):
    from report.data.config import load_config

    (tmp_path / "rapport.toml").write_text('[rapport]\naar = 2022\ndato = 2022-10-19\n'
                                           'statusledetekst = "Hva er gjort?"\n', encoding="utf-8")
    assert load_config(tmp_path).status_prompt == "Hva er gjort?"
    (tmp_path / "rapport.toml").write_text('[rapport]\naar = 2022\ndato = 2022-10-19\n', encoding="utf-8")
    assert load_config(tmp_path).status_prompt == schema.STATUS_PROMPT


def test_an_abbreviation_in_a_delivery_or_the_overall_status_is_named_with_its_row(project):
    ds = Dataset(assignments=[_assignment(part="Video", overall_status="XYZQ og FHI er med.", row=7)])
    warnings = [p.message for p in unexplained(ds, 2022, project).warnings]
    assert len(warnings) == 1  # FHI is in the sample's list
    assert "«XYZQ», brukt i TEK-09 – Video, kolonnen «Overordnet status»" in warnings[0]


def test_the_sample_has_an_assignment_with_deliveries_and_an_overall_status():
    ds, problems = load_dataset(ROOT / "data")
    assert problems.errors == []
    parts = [a for a in ds.rows_for(2022) if a.part]
    assert len({a.id for a in parts}) == 1 and len(parts) == 3
    text = appendix7(ds, 2022)
    assert text.count("**Overordnet status.**") == sum(bool(a.overall_status) for a in ds.rows_for(2022)) >= 1


def test_the_ministrys_reference_follows_the_title_where_readers_see_it():
    with_ref = _assignment(reference="TB2022-44", status_text="Tekst.")
    ds = Dataset(assignments=[with_ref, _assignment(id="SAM-09", title="Annet oppdrag", area="samhandling")])
    assert list(_tables(appendix7(ds, 2022))) == ["Annet oppdrag", "Digi\\-Hjem \\(TB2022\\-44\\)"]
    assert "| Digi\\-Hjem \\(TB2022\\-44\\) |" in overview(ds, 2022)
    assert "### Digi\\-Hjem \\(TB2022\\-44\\) {.unnumbered .unlisted}" in activities(ds, 2022, "teknologi")
    assert "TEK-09" not in appendix7(ds, 2022) + overview(ds, 2022)  # the internal ID is ours, not the reader's


@pytest.mark.parametrize("long", ["Spesialisthelsetjenesteorganisasjonsutvikling" * 4,
                                  "https://www.helsedirektoratet.no/rapporter/" + "a/" * 60,
                                  "{{<" * 40])  # escaped, each character is two in the source
def test_every_table_has_the_columns_proportions_whatever_a_cell_holds(long):
    """A very long word (a URL, a compound) used to widen its own column in every table, the
    others squeezed until their words ran into each other in the PDF."""
    import json
    import subprocess

    import pypandoc

    ds = Dataset(assignments=[_assignment(id="TEK-01", user_involvement=long, overall_status=long),
                              _assignment(id="TEK-02", title="Kort", deliverable="Kort tekst.")])
    out = subprocess.run([pypandoc.get_pandoc_path(), "-f", "markdown", "-t", "json"], input=appendix7(ds, 2022),
                         capture_output=True, text=True, check=True).stdout
    tables = [b for b in json.loads(out)["blocks"] if b["t"] == "Table"]
    assert len(tables) == 2
    total = sum(w + 3 for w in schema.APPENDIX7_WIDTHS)  # Pandoc counts each column with its " | "
    for table in tables:
        widths = [spec[1]["c"] for spec in table["c"][2]]
        assert len(widths) == len(schema.APPENDIX7_WIDTHS)
        shares = [w / sum(widths) for w in widths]
        assert shares == pytest.approx([(w + 3) / total for w in schema.APPENDIX7_WIDTHS], abs=0.001)
