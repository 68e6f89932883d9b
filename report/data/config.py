"""The project's settings: `rapport.toml` at the project root, and the book's title and author
from `_quarto.yml`, where Quarto reads them (one place for each setting)."""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

from report.data.problems import Problems
from report.data.schema import STATUS_PROMPT

CONFIG_FILE = "rapport.toml"
QUARTO_FILE = "_quarto.yml"
# Set (to "1") by `rapport bygg --endelig` for the Quarto run: the pre- and post-render steps then
# make the version to publish, without the draft's marks.
FINAL_ENV = "RAPPORT_ENDELIG"
MOVED = {"tittel": "book: title", "forfatter": "book: author"}  # rapport.toml keys now in _quarto.yml
# Folders of the project that hold no part of the book: the output, the data, the writers' rounds,
# and the tool's code and tests. Hidden folders (git, caches, the copies the build and the preview
# render) are not the book's either.
NOT_BOOK = frozenset({"_bok", "data", "innspill", "utgivelser", "report", "tests", "node_modules"})
GENERATED = "_generert"  # what the pre-render step makes from the workbooks
LOGOS = ("logo.svg", "logo.png")  # in figures/, for the PDF's cover and the web pages


def logo_file(root: Path) -> str | None:
    """The house logo the writers put in figures/, relative to the project, or None."""
    return next((f"figures/{n}" for n in LOGOS if (root / "figures" / n).is_file()), None)


@dataclass(frozen=True)
class Config:
    root: Path
    year: int
    date: dt.date
    title: str
    author: str
    contact: str = ""  # who readers ask about the report (the colophon)
    status_prompt: str = STATUS_PROMPT  # under Vedlegg 7's «Status» header; "" for none
    moved: tuple[str, ...] = ()  # keys still in rapport.toml that _quarto.yml now holds

    @property
    def data_dir(self) -> Path:
        return self.root / "data"


def final_build() -> bool:
    """Whether this run makes the version to publish (FINAL_ENV), not a draft."""
    return os.environ.get(FINAL_ENV) == "1"


def quarto_settings(root: Path) -> dict:
    """`_quarto.yml` as Quarto reads it (an empty dict where there is none)."""
    path = Path(root) / QUARTO_FILE
    if not path.is_file():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_config(root: Path) -> Config:
    path = Path(root) / CONFIG_FILE
    with path.open("rb") as f:
        raw = tomllib.load(f)["rapport"]
    book = quarto_settings(root).get("book") or {}
    return Config(
        root=Path(root).resolve(),
        year=int(raw["aar"]),
        date=raw["dato"],
        title=str(book.get("title") or raw.get("tittel", "")),
        author=str(book.get("author") or raw.get("forfatter", "")),
        contact=str(raw.get("kontakt", "")),
        status_prompt=str(raw.get("statusledetekst", STATUS_PROMPT)),
        moved=tuple(key for key in MOVED if key in raw),
    )


def check_config(config: Config) -> Problems:
    """Warnings about settings a reader would see wrong: a date outside the reporting year, a
    setting in rapport.toml that only _quarto.yml decides now."""
    problems = Problems()
    if config.date.year != config.year:
        problems.warning(CONFIG_FILE, None, "dato", f"datoen {config.date:%d.%m.%Y} er ikke i rapporteringsåret "
                                                    f"{config.year}, og den står på forsiden og under forordet. "
                                                    "Sett dato = ÅÅÅÅ-MM-DD for datoen rapporten leveres.")
    for key in config.moved:
        problems.warning(CONFIG_FILE, None, key, f"«{key}» brukes ikke lenger: den står i {QUARTO_FILE} under "
                                                 f"«{MOVED[key]}». Endre den der, og ta linjen bort fra {CONFIG_FILE}.")
    return problems
