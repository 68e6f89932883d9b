"""Test helper: a small book made from a copy of the project, with two chapters, three
appendices, references to them and a writer's sentence that names appendices by letter.
tests/publish/test_vedlegg.py renders it with Quarto; tests/fixtures/vedlegg/ was written by Quarto
from it (see tests/fixtures/README.md)."""

from pathlib import Path

import yaml

from helpers.project import copy_project

APPENDICES = [
    "chapters/vedlegg-1-pasientgrupper.qmd",
    "chapters/vedlegg-2-helsefellesskap.qmd",
    "chapters/vedlegg-3-erfaringssamling.qmd",
]
REFERENCES = ("Se også @sec-vedlegg-pasientgrupper, @sec-vedlegg-status og @tbl-helsefellesskap. "
              "Nyhetsbrevene står i vedlegg [-@sec-vedlegg-pasientgrupper] og tabell [-@tbl-helsefellesskap].")
# the writer's own words: they stay as written
WRITER = "Les vedlegg C i veilederen og Vedlegg B: Eksempel i rundskrivet."
# headings four levels deep in a chapter: the fourth level is not numbered
DEEP = "## Nivå to\n\n### Nivå tre\n\n#### Nivå fire\n\nTekst."


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def small_book(dest: Path) -> Path:
    project = copy_project(dest)
    quarto = project / "_quarto.yml"
    config = yaml.safe_load(quarto.read_text(encoding="utf-8"))
    config["book"]["chapters"] = ["index.qmd", "chapters/helsefellesskap.qmd"]
    config["book"]["appendices"] = APPENDICES
    [typst] = [name for name in config["format"] if "typst" in name]  # Quarto's or the project's own
    config["format"][typst]["keep-typ"] = True
    quarto.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    chapters = project / "chapters"
    for chapter in chapters.glob("*.qmd"):  # the others are not in this book
        if f"chapters/{chapter.name}" not in config["book"]["chapters"] + APPENDICES:
            chapter.unlink()
    _edit(chapters / "helsefellesskap.qmd", "\n## ", f"\n{REFERENCES} {WRITER}\n\n## ")
    _edit(chapters / "helsefellesskap.qmd", "\n## ", f"\n{DEEP}\n\n## ")
    _edit(chapters / "vedlegg-1-pasientgrupper.qmd", "pasientgruppene\n", "pasientgruppene {#sec-vedlegg-pasientgrupper}\n")
    _edit(chapters / "vedlegg-2-helsefellesskap.qmd", "arbeidet\n", "arbeidet {#sec-vedlegg-status}\n")
    return project
