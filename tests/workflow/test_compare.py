"""The record of what a build publishes (report.content.published) and the comparison of two
records (report.workflow.compare), on the sample data and chapters, without Quarto."""

import dataclasses

import pytest
from helpers.project import ROOT

from report.content.norsk import format_value
from report.content.published import block_places, number_in, record
from report.content.references import find_references
from report.content.variables import variables
from report.data.config import load_config
from report.data.load import load_dataset
from report.data.model import Dataset
from report.workflow.compare import compare, line, short, text_lines


@pytest.fixture(scope="module")
def sample():
    config = load_config(ROOT)
    dataset, problems = load_dataset(config.data_dir)
    assert not problems.errors
    return config, dataset


def _record(config, dataset):
    return record(ROOT, dataset, config, variables(dataset, config))


def _changed(dataset, indicator="A10", value=None, assignment="SAM-01", status=None) -> Dataset:
    """A copy of `dataset` with the indicator's latest national value and the assignment's status changed."""
    latest = [v for v in dataset.values_for(indicator) if v.geo_level == "land"][-1]
    values = [dataclasses.replace(v, value=value) if v is latest and value is not None else v for v in dataset.values]
    assignments = [dataclasses.replace(a, status=status) if a.id == assignment and a.year == 2022 and status else a
                   for a in dataset.assignments]
    return Dataset(assignments, dataset.indicators, values, dataset.partnerships, dataset.partnership_status)


def test_the_record_names_every_place_a_number_appears(sample):
    config, dataset = sample
    numbers = {e["key"]: e for e in _record(config, dataset)["numbers"]}
    uses = sorted(f"{r.file}:{r.line}" for r in find_references(ROOT) if r.name == "indikator.A10.siste")
    assert uses and sorted(numbers["var:indikator.A10.siste"]["places"]) == uses
    latest = [v for v in dataset.values_for("A10") if v.geo_level == "land"][-1]
    ind = dataset.indicators["A10"]
    point = numbers[f"figur:A10:{latest.period.label}"]
    assert point["value"] == format_value(latest.value, ind.decimals, ind.unit)
    assert point["places"] == block_places(ROOT)["figur-A10"]
    assert numbers["oppdrag:SAM-01:status"]["value"] == "Forsinket"
    assert block_places(ROOT)["oppdrag-oversikt"][0] in numbers["oppdrag:SAM-01:status"]["places"]
    assert "Vedlegg 7" in numbers["tabell:vedlegg7:SAM-01:Leveranse"]["places"]


def test_tables_and_figures_are_named_as_the_book_numbers_them():
    places = block_places(ROOT)
    assert places["oppdrag-oversikt"] == ["Tabell 5.1"] and places["oppdrag-nye"] == ["Tabell 5.2"]
    assert places["figur-A10"] == ["Figur 8.1"] and places["figur-E03"] == ["Figur 8.2"]
    assert places["vedlegg7"] == ["Vedlegg 7"] and places["vedlegg2-status"] == ["Vedlegg 2"]
    assert places["aktiviteter-samhandling"] == ["chapters/samhandling.qmd:8"]


def test_numbers_are_read_from_the_printed_value_but_dates_and_words_are_not():
    assert number_in("55,0\u00a0døgn") == 55.0 and number_in("16\u00a0000 pasienter") == 16000
    assert number_in("−3,5\u00a0%") == -3.5
    assert number_in("31.03.2023") is None and number_in("1. kvartal 2023") is None and number_in("Levert") is None


def test_a_changed_value_and_status_are_listed_with_every_place_and_nothing_else(sample):
    config, dataset = sample
    before = _record(config, dataset)
    after = _record(config, _changed(dataset, value=38.0, status="Levert"))
    changes = compare(before, after)
    assert changes and all(c.kind == "endret" for c in changes)
    old_places = {e["key"]: e["places"] for e in before["numbers"]}
    for c in changes:  # each change belongs to the indicator, the assignment, or a count of them
        assert c.subject in ("A10", "SAM-01") or c.key.startswith(("var:oppdrag.", "var:indikatorer.")), c
    status = next(c for c in changes if "oppdrag:SAM-01:status" in c.keys)
    assert (status.old, status.new) == ("Forsinket", "Levert")
    assert set(old_places["oppdrag:SAM-01:status"]) <= set(status.places)
    ind = dataset.indicators["A10"]
    new_text = format_value(38.0, ind.decimals, ind.unit)
    latest = next(c for c in changes if "var:indikator.A10.siste" in c.keys)
    assert latest.new == new_text and latest.old == before_value(before, "var:indikator.A10.siste")
    assert any(k.startswith("figur:A10:") for k in latest.keys), "the figure's point is the same number"
    for key in latest.keys:
        assert set(old_places[key]) <= set(latest.places)
    text = line(latest)
    assert f"{latest.old} → {new_text}" in text and all(p in text for p in latest.places)
    assert latest.large and "(!) stor endring: −" in text  # 49,6 → 38,0 is about −23 %


def before_value(record, key):
    return next(e["value"] for e in record["numbers"] if e["key"] == key)


def test_no_change_says_so_in_one_line(sample):
    config, dataset = sample
    same = _record(config, dataset)
    assert compare(same, same) == []
    assert len(text_lines([], same, same, "forrige bygging")) == 1


def test_added_and_removed_numbers_and_the_threshold(sample):
    config, dataset = sample
    before = _record(config, dataset)
    after = {**before, "numbers": [e for e in before["numbers"] if e["key"] != "oppdrag:SAM-02:status"]
             + [{"key": "var:ny", "label": "«ny»", "value": "7", "raw": 7, "places": ["chapters/x.qmd:1"]}]}
    kinds = {c.key: c.kind for c in compare(before, after)}
    assert kinds == {"oppdrag:SAM-02:status": "fjernet", "var:ny": "ny"}
    small = _record(config, _changed(dataset, value=50.0))
    moved = next(c for c in compare(before, small) if "var:indikator.A10.siste" in c.keys)
    assert not moved.large
    assert next(c for c in compare(before, small, per_subject={"A10": 0.5}) if c.key == moved.key).large


def test_long_texts_are_shortened():
    text = "Utkast har vært på intern høring i Helsedirektoratet, og ekstern høring kommer i fjerde kvartal 2022."
    shown = short(text)
    assert shown.startswith("«Utkast") and shown.endswith("…»") and len(shown) <= 62
    assert short("Kort") == "«Kort»"
