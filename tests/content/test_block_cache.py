"""Generated blocks are made again only when the workbooks they are made from change."""

import pytest
from helpers.workbook_factory import edit

from report.build import build
from report.content import blocks
from report.data import schema
from report.data.load import load_dataset


def test_every_block_declares_the_workbooks_it_reads(project):
    dataset, _ = load_dataset(project / "data")
    assert dataset.assignments and dataset.values and dataset.partnership_status
    for name, (books, make) in blocks.block_makers(2022).items():
        assert make(blocks.only(dataset, books)) == make(dataset), f"{name} reads a workbook it does not declare"


def test_only_leaves_out_the_other_workbooks(project):
    dataset, _ = load_dataset(project / "data")
    part = blocks.only(dataset, blocks.PARTNERSHIPS)
    assert part.partnerships == dataset.partnerships
    assert part.assignments == [] and part.values == [] and part.indicators == {}


@pytest.fixture
def made(monkeypatch):
    """The names of the blocks really made (not taken from the previous build)."""
    names = []
    real = blocks.block_makers

    def spy(year, prompt=schema.STATUS_PROMPT):
        def recording(name, make):
            return lambda dataset: names.append(name) or make(dataset)

        return {name: (books, recording(name, make)) for name, (books, make) in real(year, prompt).items()}

    monkeypatch.setattr(blocks, "block_makers", spy)
    return names


def test_a_changed_workbook_remakes_only_the_blocks_made_from_it(project, made):
    build(project)
    everything = sorted(made)
    assert "vedlegg7" in everything and "endringer" in everything
    made.clear()
    build(project)
    assert made == []  # unchanged: every block from the previous build

    edit(project / "data" / "indikatorer.xlsx", "Verdier", E3=15)
    made.clear()
    build(project)
    assert made == ["endringer"]  # the only block that reads indicator values

    edit(project / "data" / "oppdrag.xlsx", "Oppdrag", C2="Ny tittel fra skribenten")
    made.clear()
    build(project)
    assert sorted(made) == sorted(n for n in everything if not n.startswith("vedlegg2"))
    text = (project / "_generert" / "blokker" / "oppdrag-oversikt.md").read_text(encoding="utf-8")
    assert "Ny tittel fra skribenten" in text


def test_a_block_from_the_previous_build_is_never_stale(project):
    build(project)
    block = project / "_generert" / "blokker" / "vedlegg2-status.md"
    block.write_text("tampered", encoding="utf-8")  # the cache key still matches…
    edit(project / "data" / "helsefellesskap.xlsx", "Status", E2="Ny statustekst")
    build(project)  # …but the workbook changed, so the block is made again
    assert "Ny statustekst" in block.read_text(encoding="utf-8")


def test_a_changed_status_prompt_remakes_vedlegg7(project, made):
    build(project)
    settings = project / "rapport.toml"
    settings.write_text(settings.read_text(encoding="utf-8") + 'statusledetekst = "Fremdriftsplanen"\n',
                        encoding="utf-8")
    made.clear()
    build(project)
    assert "vedlegg7" in made
    text = (project / "_generert" / "blokker" / "vedlegg7.md").read_text(encoding="utf-8")
    assert "Fremdriftsplanen" in text and "Ressurssituasjon" not in text
