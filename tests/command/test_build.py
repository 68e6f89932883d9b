import json
import multiprocessing
import socket

import openpyxl
import pytest
from helpers.commands import rapport

from report import build as build_module
from report.build import build
from report.content.references import find_references
from report.data.problems import DataError


def _tree(root):
    """Every generated file with its bytes, for comparing two builds."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "_generert").rglob("*") if p.is_file()}
    files["_variables.yml"] = (root / "_variables.yml").read_bytes()
    return files


def test_builds_every_block_and_figure_the_chapters_use(project):
    result = build(project)
    refs = find_references(project)
    assert refs, "the chapters use generated blocks"
    for ref in refs:
        if ref.kind == "blokk":
            assert (project / "_generert" / "blokker" / f"{ref.name}.md").is_file(), ref
    assert result.figures
    for name in result.figures:
        ind = name.removeprefix("figur-")
        assert (project / "_generert" / "figurer" / f"{ind}.svg").stat().st_size > 1000
        assert (project / "_generert" / "figurer" / f"{ind}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    variables = json.loads((project / "_variables.yml").read_text(encoding="utf-8"))
    assert variables["aar"] == "2022"
    assert not list(project.glob("._generert-*")), "no temporary folders left behind"


def test_the_copies_a_preview_or_a_build_renders_are_not_chapters(project):
    """The preview's copy of the chapters (and `rapport bygg`'s) lie in hidden folders of the
    project: their references are not the writers' (the preview once copied its copy into itself)."""
    import shutil

    before = find_references(project)
    for copy in (".forhandsvisning", ".bygg/html"):
        shutil.copytree(project / "chapters", project / copy / "chapters")
        shutil.copy2(project / "index.qmd", project / copy / "index.qmd")
    assert find_references(project) == before


def test_manifest_names_every_input_with_its_hash(project):
    import hashlib

    build(project)
    manifest = json.loads((project / "_generert" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["filer"]:
        data = (project / "data" / entry["fil"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["filer"][0]["rader"]["Oppdrag"] > 0
    basis = (project / "_generert" / "blokker" / "datagrunnlag.md").read_text(encoding="utf-8")
    assert manifest["filer"][0]["sha256"][:16] in basis


def test_two_builds_are_byte_identical(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1666137600")  # the build's time, the one input that moves
    build(project)
    first = _tree(project)
    build(project)
    assert _tree(project) == first


def test_bad_data_leaves_previous_output_intact(project):
    build(project)
    before = _tree(project)
    path = project / "data" / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Oppdrag"]
    ws["H2"] = "grnn"
    wb.save(path)
    with pytest.raises(DataError) as err:
        build(project)
    assert "oppdrag.xlsx › Oppdrag › H2" in str(err.value)
    assert _tree(project) == before


def test_failure_midway_leaves_previous_output_intact(project, monkeypatch):
    build(project)
    before = _tree(project)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build_module, "write_reference_doc", broken)
    with pytest.raises(RuntimeError):
        build(project)
    assert _tree(project) == before
    assert not list(project.glob("._generert-*"))


def test_sjekk_knows_every_block_and_variable_the_build_makes(project):
    from report.content import blocks
    from report.data.config import load_config
    from report.data.load import load_dataset

    config = load_config(project)
    dataset, _ = load_dataset(config.data_dir)
    result = build(project)
    known = blocks.block_names(dataset, config.year)
    assert set(result.blocks) <= known
    assert known - set(blocks.figure_blocks(dataset)) == set(result.blocks) - set(result.figures)


def test_unknown_block_names_chapter_line_and_closest_names(project):
    chapter = project / "chapters" / "oppdrag.qmd"
    lines = chapter.read_text(encoding="utf-8").splitlines()
    lines.append("{{< blokk oppdrag-oversigt >}}")
    chapter.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        build(project)
    assert (
        f"chapters/oppdrag.qmd › linje {len(lines)}: blokken «oppdrag-oversigt» finnes ikke. "
        "Mente du «oppdrag-oversikt»?"  # only the close names, not «oppdrag-nye»
    ) in str(err.value)
    assert not (project / "_generert").exists()


def _build_in_process(root):
    build(root)


def test_concurrent_builds_do_not_corrupt_each_other(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1666137600")  # the stamp's minute may tick between the builds
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_build_in_process, args=(project,)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    together = _tree(project)
    build(project)
    assert _tree(project) == together


def test_build_makes_no_network_access(project, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access during the build")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    build(project)


def test_generer_command_exit_codes(project):
    ok = rapport(project, "generer")
    assert ok.returncode == 0, ok.stderr
    assert "Generert" in ok.stdout and "3 av 3 regneark lest på nytt" in ok.stdout
    again = rapport(project, "generer")
    assert "Siden sist: 0 av 3 regneark lest på nytt, 0 blokker og 0 figurer laget på nytt." in again.stdout
    (project / "data" / "indikatorer.xlsx").write_bytes(b"not a workbook")
    bad = rapport(project, "generer")
    assert bad.returncode == 1
    assert "indikatorer.xlsx" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_unchanged_figures_come_from_the_cache_and_a_changed_value_is_never_stale(project, monkeypatch):
    from report.content import figures

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1666137600")  # the stamp's minute may tick between the builds
    build(project)
    drawn = []
    real = figures.render_indicator_figure
    monkeypatch.setattr(figures, "render_indicator_figure", lambda *a, **k: drawn.append(a[0].id) or real(*a, **k))
    before = _tree(project)
    build(project)
    assert drawn == []
    assert _tree(project) == before

    path = project / "data" / "indikatorer.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["Verdier"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "A10" and r[1].value == "2021")
    row[4].value = 51.2
    wb.save(path)
    build(project)
    assert drawn == ["A10"]
    block = (project / "_generert" / "blokker" / "figur-A10.md").read_text(encoding="utf-8")
    assert "51,2 døgn" in block
