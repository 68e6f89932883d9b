"""Each format's copy of the sources (report/publish/formats.py): what Quarto renders the book
from, wherever the writers keep chapters and pictures, and nothing of the output or the data."""

import subprocess
import sys

import yaml

from report.publish.formats import CONTENTS_PAGES, FORMATS, OUT, copy_sources, start, wait


def test_a_copy_holds_what_the_book_is_made_from_and_not_the_output_or_the_data(project, tmp_path):
    (project / "kapitler").mkdir()
    (project / "kapitler" / "ekstra.qmd").write_text("# Ekstra\n", encoding="utf-8")
    (project / "bilder").mkdir()
    (project / "bilder" / "kart.png").write_bytes(b"\x89PNG")
    (project / "_bok").mkdir()
    (project / "_bok" / "rapport.pdf").write_bytes(b"forrige")
    (project / "data" / "~$oppdrag.xlsx").write_bytes(b"excel")
    copy = copy_sources(project, tmp_path / "kopi", ("pre-render",))
    for kept in ("index.qmd", "chapters/oppdrag.qmd", "kapitler/ekstra.qmd", "bilder/kart.png",
                 "_extensions/nhsp/typst.lua", "scripts/etterbehandle.py", "nhsp.scss", "rapport.toml"):
        assert (copy / kept).is_file(), kept
    for left in ("_bok", "data", "report", "tests", ".git"):
        assert not (copy / left).exists(), left
    settings = yaml.safe_load((copy / "_quarto.yml").read_text(encoding="utf-8"))
    original = yaml.safe_load((project / "_quarto.yml").read_text(encoding="utf-8"))
    assert "pre-render" not in settings["project"] and "pre-render" in original["project"]
    assert settings["project"]["post-render"] == original["project"]["post-render"]
    assert settings["book"] == original["book"]


def test_each_format_is_checked_in_its_lane_as_soon_as_it_is_made(tmp_path):
    """The last guard runs on each format's output when its Quarto is done (the PDF is read while
    the web pages are still being made); a failed format is not checked."""
    folders = {name: tmp_path / name for name in FORMATS}
    for folder in folders.values():
        folder.mkdir()

    def popen(args, folder, env, nice):  # stands in for Quarto: makes the output folder, or fails
        fails = folder.name == "Word"
        return subprocess.Popen([sys.executable, "-c", f"import os; os.makedirs({OUT!r}); print('ferdig'); "
                                 f"raise SystemExit({int(fails)})"],
                                cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    checked = []

    def check(output):
        checked.append(output)
        return {output.parent.name: ["chapters/a.qmd"]} if output.parent.name == "PDF" else {}

    runs = start("quarto", folders, {}, False, popen, check)
    wait(runs)
    assert sorted(checked) == [folders["HTML"] / OUT, folders["PDF"] / OUT]
    assert {r.name: (r.returncode, r.missing) for r in runs} == {
        "HTML": (0, {}), "PDF": (0, {"PDF": ["chapters/a.qmd"]}), "Word": (1, {})}


def test_the_word_files_contents_are_numbered_when_its_quarto_has_exited(tmp_path):
    """Word's post-render step is told to leave the contents' page numbers; its lane adds them by
    a process of its own once that Quarto has exited (at the lane's priority, and stopped as Quarto
    is), so that LibreOffice does not run beside it."""
    from report.publish.docx.finalize import CONTENTS_PAGES_LATER

    folders = {name: tmp_path / name for name in FORMATS}
    for folder in folders.values():
        folder.mkdir()
    started = []

    def popen(args, folder, env, nice):  # stands in for Quarto, and for the numbering
        before = [p for name, _, _, _, p in started if name == folder.name]
        started.append((folder.name, args[1:], env.get(CONTENTS_PAGES_LATER), nice,
                        subprocess.Popen([sys.executable, "-c", f"import os; os.makedirs({OUT!r}, exist_ok=True)"],
                                         cwd=folder, stdout=subprocess.PIPE, text=True)))
        assert all(p.poll() is not None for p in before), "a step started before the one before it ended"
        return started[-1][-1]

    runs = start("quarto", folders, {}, False, popen, lambda output: {})
    wait(runs)
    steps = sorted((name, args, told, nice) for name, args, told, nice, _ in started)
    render = ["render", "--to"]
    assert [(name, args[:2], told) for name, args, told, _ in steps] == [
        ("HTML", render, None), ("PDF", render, None), ("Word", ["-m", CONTENTS_PAGES], None),
        ("Word", render, "1")]
    assert steps[2][1][2:] == [OUT] and steps[2][3] == steps[3][3] > 0
    assert all(r.returncode == 0 for r in runs)
