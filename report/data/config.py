"""The project's settings: `rapport.toml` at the project root, and the book's title and author
from `_quarto.yml`, where Quarto reads them (one place for each setting)."""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml

from report.data.problems import DataError, Problems
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
    """`_quarto.yml` as Quarto reads it (an empty dict where there is none). DataError, naming the
    line, if Quarto could not read it either."""
    path = Path(root) / QUARTO_FILE
    if not path.is_file():
        return {}
    try:
        settings = yaml.safe_load(path.read_bytes().decode("utf-8")) or {}
    except UnicodeDecodeError:
        raise _unreadable(QUARTO_FILE, None, _NOT_UTF8) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "context_mark", None) or getattr(e, "problem_mark", None)  # where it starts
        raise _unreadable(QUARTO_FILE, mark.line + 1 if mark else None,
                          "et anførselstegn eller en klamme er ikke lukket, eller et innrykk stemmer ikke, "
                          "og da stopper Quarto") from None
    if not isinstance(settings, dict):
        raise _unreadable(QUARTO_FILE, None, "den skal bestå av innstillinger på formen «navn: verdi»")
    for name in ("project", "book"):  # what the tool reads from it has the shape Quarto wants
        if not isinstance(settings.get(name) or {}, dict):
            raise _unreadable(QUARTO_FILE, None, f"«{name}:» skal ha innstillinger under seg, ett innrykk inn "
                                                 "(som «title: …» og «chapters:» under «book:»)")
    return settings


def load_config(root: Path) -> Config:
    """`rapport.toml` with the title and author from `_quarto.yml`. DataError with every setting
    that cannot be used, and what is expected."""
    try:
        raw = tomllib.loads((Path(root) / CONFIG_FILE).read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise _unreadable(CONFIG_FILE, None, _NOT_UTF8) from None
    except tomllib.TOMLDecodeError as e:
        line = re.search(r"at line (\d+)", str(e))
        raise _unreadable(CONFIG_FILE, int(line.group(1)) if line else None,
                          next((said for english, said in _TOML_ERRORS if english in str(e)), _TOML_ERRORS[-1][1])
                          ) from None
    raw = raw.get("rapport")
    problems = Problems()
    if not isinstance(raw, dict):
        problems.error(CONFIG_FILE, None, None, "delen «[rapport]» mangler: innstillingene står under en linje "
                                                "med [rapport], som i eksempelet i README.")
        raise DataError(problems)
    year, date = _year(raw.get("aar")), _date(raw.get("dato"))
    if year is None:
        problems.error(CONFIG_FILE, None, "aar", f"{_said(raw.get('aar'), 'et årstall')}. Skriv for eksempel "
                                                 "aar = 2022.")
    if date is None:
        problems.error(CONFIG_FILE, None, "dato", f"{_said(raw.get('dato'), 'en dato')}. Skriv den som "
                                                  "dato = 2022-10-19 (år, måned, dag).")
    if problems.errors:
        raise DataError(problems)
    book = quarto_settings(root).get("book") or {}
    return Config(
        root=Path(root).resolve(),
        year=year,
        date=date,
        title=str(book.get("title") or raw.get("tittel", "")),
        author=str(book.get("author") or raw.get("forfatter", "")),
        contact=str(raw.get("kontakt", "")),
        status_prompt=str(raw.get("statusledetekst", STATUS_PROMPT)),
        moved=tuple(key for key in MOVED if key in raw),
    )


_NOT_UTF8 = "filen er ikke lagret som UTF-8. Åpne den i redigeringsprogrammet, og lagre den som UTF-8"
# What tomllib says, and what the writer is told
_TOML_ERRORS = (
    ("Cannot overwrite", "en innstilling står to ganger"),
    ("Unterminated string", "et anførselstegn er ikke lukket"),
    ("Illegal character", "et anførselstegn er ikke lukket"),
    ("Expected '=' after a key", "et navn står uten «=» og en verdi"),
    ("Invalid value", "en verdi er skrevet feil (tekst står i anførselstegn, et tall og en dato uten)"),
    ("", "skrivemåten er feil"),
)


def _unreadable(file: str, line: int | None, reason: str) -> DataError:
    problems = Problems()
    problems.error(file, None, f"linje {line}" if line else None, f"filen kan ikke leses: {reason}.")
    return DataError(problems)


def _year(value) -> int | None:
    """A year as TOML gives it, or as text («"2022"»)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    return value if type(value) is int and 1900 < value < 2200 else None


def _date(value) -> dt.date | None:
    """A date as TOML gives it, or as text in ISO or Norwegian form («"19.10.2022"»)."""
    if type(value) is dt.date:
        return value
    for form in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(str(value).strip(), form).date()
        except ValueError:
            continue
    return None


def _said(value, wanted: str) -> str:
    return "innstillingen mangler" if value is None else f"«{value}» er ikke {wanted}"


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
