"""The cache of read workbooks: used when a workbook is unchanged, never stale."""

import json
import pickle

import pytest
from helpers.workbook_factory import edit

from report.build import build
from report.data import cache as workbook_cache, load


@pytest.fixture
def reads(monkeypatch):
    """The names of the workbooks the loader really reads (not from the cache), in order."""
    names = []
    real = load.read_workbook

    def spy(path, book):
        names.append(path.name)
        return real(path, book)

    monkeypatch.setattr(load, "read_workbook", spy)
    return names


def _variables(project):
    return json.loads((project / "_variables.yml").read_text(encoding="utf-8"))


def test_an_unchanged_rebuild_reads_no_workbook(project, reads):
    build(project)
    assert reads == ["oppdrag.xlsx", "indikatorer.xlsx", "helsefellesskap.xlsx"]
    reads.clear()
    build(project)
    assert reads == []


def test_a_changed_value_is_read_again_and_the_other_workbooks_are_not(project, reads):
    build(project)
    assert _variables(project)["indikator"]["A02"]["siste"] == "14"
    edit(project / "data" / "indikatorer.xlsx", "Verdier", E3=15)
    reads.clear()
    build(project)
    assert reads == ["indikatorer.xlsx"]
    assert _variables(project)["indikator"]["A02"]["siste"] == "15"


def test_a_changed_title_reaches_the_generated_block(project, reads):
    build(project)
    edit(project / "data" / "oppdrag.xlsx", "Oppdrag", C2="Ny tittel fra skribenten")
    reads.clear()
    build(project)
    assert reads == ["oppdrag.xlsx"]
    overview = (project / "_generert" / "blokker" / "oppdrag-oversikt.md").read_text(encoding="utf-8")
    assert "Ny tittel fra skribenten" in overview


def test_warnings_come_back_from_the_cache(project, reads):
    edit(project / "data" / "oppdrag.xlsx", "Oppdrag", G2="  levert ")
    first = build(project).warnings
    reads.clear()
    again = build(project).warnings
    assert reads == []
    assert [str(p) for p in again] == [str(p) for p in first]
    assert "oppdrag.xlsx › Oppdrag › G2: «levert» er lest som «Levert»" in [str(p) for p in again]


def _header(entry: bytes) -> bytes:
    magic, key, _ = entry.split(b"\n", 2)
    return magic + b"\n" + key + b"\n"


@pytest.mark.parametrize("damage", [
    lambda entry: entry[: len(entry) // 2],  # cut short
    lambda entry: b"not a cache entry at all",
    lambda entry: _header(entry) + pickle.dumps({"not": "a read workbook"}),
])
def test_a_damaged_cache_entry_is_ignored_and_written_anew(project, reads, damage):
    build(project)
    expected = (project / "_generert" / "blokker" / "vedlegg7.md").read_bytes()
    entry = project / "_generert" / workbook_cache.FOLDER / "oppdrag.xlsx.pickle"
    entry.write_bytes(damage(entry.read_bytes()))
    reads.clear()
    build(project)
    assert reads == ["oppdrag.xlsx"]
    assert (project / "_generert" / "blokker" / "vedlegg7.md").read_bytes() == expected
    reads.clear()
    build(project)
    assert reads == []


def test_changed_reading_code_reads_every_workbook_again(project, reads, monkeypatch):
    build(project)
    monkeypatch.setattr(workbook_cache, "code_version", lambda: b"another version of the reading code")
    reads.clear()
    build(project)
    assert reads == ["oppdrag.xlsx", "indikatorer.xlsx", "helsefellesskap.xlsx"]
