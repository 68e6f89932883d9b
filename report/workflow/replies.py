"""`rapport innspill les`: reading the departments' returned innspill workbooks from a folder and
merging them into data/oppdrag.xlsx (what changes and what conflicts: report/workflow/merge.py).

Each returned workbook carries the fingerprints `innspill lag` wrote (see report/workflow/innspill.py).
Every merge records, in custom document properties of data/oppdrag.xlsx, per assignment the base
and the fingerprints of the rows it wrote, and the name of the workbook, so a later run knows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from report.content.norsk import format_date_short
from report.data import schema
from report.data.config import Config, load_config
from report.data.load import load_assignments, load_dataset
from report.data.model import Assignment, Dataset
from report.data.problems import DataError, Problem, Problems
from report.data.schema import Kind
from report.data.workbooks import Unkept, as_row, update_rows
from report.workflow.backup import back_up, refuse_open
from report.workflow.innspill import BASE_FILE, EDITABLE, ROW_PROPERTY, YEAR_PROPERTY, InnspillError, fingerprint
from report.workflow.merge import (
    SHORT,
    Bases,
    Change,
    Returned,
    base_rows,
    find_changes,
    merge_records,
    merged_records,
    show,
)

_IGNORED = ("thumbs.db", "desktop.ini")  # written by Windows into any folder
_SAVE_AS = {
    ".xls": "en gammel Excel-fil (.xls)", ".xlsm": "en Excel-fil med makroer (.xlsm)",
    ".xlsb": "en binær Excel-fil (.xlsb)", ".ods": "en LibreOffice-fil (.ods)", ".numbers": "en Numbers-fil",
}
_BY_HAND = "før endringene inn for hånd i data/oppdrag.xlsx"


@dataclass(frozen=True)
class Result:
    lines: list[str]  # what was (or would be) merged
    warnings: list[Problem]
    conflicts: list[Problem]  # assignments left as they are: the editor decides


def read(root: Path, folder: Path, now: dt.datetime | None = None, *, write: bool = True) -> Result:
    """Merge the returned workbooks in `folder` into data/oppdrag.xlsx (with `write` false, only
    say what would change). An assignment in conflict is left as it is and listed; the others
    are merged. Raises DataError with every problem in the workbooks, and then writes nothing.
    """
    config = load_config(root)
    dataset, problems = load_dataset(config.data_dir)
    if problems.errors:
        raise DataError(problems)
    folder = Path(folder)
    if not folder.is_dir():
        raise InnspillError(f"Mappen {folder} finnes ikke.")
    found = Problems()  # in the returned workbooks
    paths = _replies(folder, found)
    if not paths and not found.errors:
        raise InnspillError(f"Fant ingen innspillsark (.xlsx) i {folder}.")
    target = config.data_dir / schema.ASSIGNMENTS_BOOK.filename
    merged_before = merged_records(_properties(target), config.year)
    returned = [r for r in (_read_one(p, config.year, found) for p in paths) if r is not None]
    current = {a.key: a for a in dataset.rows_for(config.year)}
    last_year = {a.key: a for a in dataset.rows_for(config.year - 1)}
    bases = Bases(base_rows(folder, config.year), last_year)
    conflicts: dict[str, Problem] = {}  # row key → the conflict; the other assignments are merged
    changes = find_changes(returned, current, merged_before, config.year, bases, found, conflicts)

    lines: list[str] = []
    for change in changes.values():
        a, old = change.row, current[change.row.key]
        newer = f"; nyere svar som erstatter svaret fra {change.replaces}" if change.replaces else ""
        lines.append(f"{a.key} {a.title} ({change.path.name}{newer}):")
        lines.extend(f"  {c.header}: {_describe(getattr(old, c.field), getattr(a, c.field))}"
                     for c in EDITABLE if getattr(old, c.field) != getattr(a, c.field))
        _check_dates(change, old, found)
        previous = last_year.get(a.key)
        if previous is not None and a.status_text and a.status_text == previous.status_text:
            found.warning(change.path.name, schema.ASSIGNMENTS.name, f"rad {a.row}",
                          f"statusbeskrivelsen for {a.key} er den samme som i {config.year - 1}. Er den oppdatert?")
    if found.errors:
        found.items.extend(conflicts.values())
        raise DataError(found)
    # assignments, not rows: an ID in two copies of a workbook, or with deliveries, is one assignment
    answered = {current[a.key].id for r in returned for a in r.rows if a.key in r.marks and a.key in current}
    updated = {ch.row.id for ch in changes.values()}
    unchanged = len(answered - updated - {current[key].id for key in conflicts})
    result = Result(lines, found.warnings, list(conflicts.values()))
    if not changes:
        lines.append(f"Ingen nye endringer i {len(returned)} innspillsark; data/oppdrag.xlsx er ikke endret.")
        return result
    if not write:
        lines.append(f"{len(updated)} oppdrag ville blitt oppdatert. Ingenting er skrevet (--bare-vis).")
        return result

    refuse_open([target])
    expected = [as_row(changes[a.key].row if a.year == config.year and a.key in changes else a)
                for a in dataset.assignments]
    cells = {current[key].row: {c.field: getattr(ch.row, c.field) for c in EDITABLE
                                if getattr(current[key], c.field) != getattr(ch.row, c.field)}
             for key, ch in changes.items()}
    backup, stamp = back_up(config.data_dir, [target], now)
    try:
        update_rows(target, schema.ASSIGNMENTS, cells, properties=merge_records(changes, merged_before, config.year),
                    check=lambda written: _verify(written, expected))
    except Unkept as e:
        raise InnspillError(
            f"data/oppdrag.xlsx har innhold som ville gått tapt om filen ble skrevet ({e}). Ingenting er "
            f"endret. Fjern det fra filen, eller {_BY_HAND} (se dem med --bare-vis).") from e
    lines += [
        f"Oppdatert {len(updated)} oppdrag i data/oppdrag.xlsx fra {len(returned)} innspillsark "
        f"({unchanged} oppdrag uendret). Bare cellene over er endret; alt annet i filen er som før.",
        f"Sikkerhetskopi av den forrige filen: {backup.relative_to(config.root)}/oppdrag-{stamp}.xlsx",
    ]
    return result


def _replies(folder: Path, problems: Problems) -> list[Path]:
    """The .xlsx files in `folder`; every other file is a problem that says what to do with it.
    Lock files of Excel and LibreOffice, hidden files and subfolders are skipped."""
    paths = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if name.startswith(("~$", ".")) or name.casefold() in _IGNORED or not path.is_file():
            continue
        suffix = path.suffix.casefold()
        if suffix == ".xlsx":
            paths.append(path)
        elif suffix in _SAVE_AS:
            problems.error(name, None, None, f"er {_SAVE_AS[suffix]}, ikke et innspillsark (.xlsx), og er ikke "
                           "lest. Åpne filen og lagre den som «Excel-arbeidsbok (.xlsx)» i denne mappen, og flytt "
                           f"{suffix}-filen ut av mappen")
        elif suffix == ".csv":
            problems.error(name, None, None, "er en CSV-fil og er ikke lest: den har ikke merkingen fra «rapport "
                           "innspill lag», så endringene kan ikke kontrolleres. Be avdelingen sende arket de fikk "
                           f"(.xlsx), eller {_BY_HAND}; flytt så filen ut av mappen")
        else:
            problems.error(name, None, None, "er ikke et innspillsark (.xlsx) og er ikke lest. Flytt filen ut av "
                           "mappen")
    return paths


def _properties(path: Path) -> dict[str, str]:
    """A workbook's custom document properties; {} when it cannot be read (load has said why)."""
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        properties = {p.name: str(p.value) for p in wb.custom_doc_props}
        wb.close()
    except Exception:  # openpyxl raises many kinds for a broken file
        return {}
    return properties


def _verify(path: Path, expected: list[dict]) -> None:
    """Raise unless the workbook written reads back as exactly the rows expected."""
    rows, problems = load_assignments(path)
    if problems.errors or [as_row(a) for a in rows] != expected:
        raise InnspillError("data/oppdrag.xlsx ble ikke som ventet da endringene ble skrevet (har arket formler?). "
                            f"Ingenting er endret. {_BY_HAND.capitalize()} (se dem med --bare-vis).")


def _read_one(path: Path, year: int, problems: Problems) -> Returned | None:
    rows, found = load_assignments(path)
    problems.extend(found)
    if found.errors and not rows:  # not a workbook at all: load has said why
        return None
    properties = _properties(path)
    if YEAR_PROPERTY not in properties:
        problems.error(path.name, None, None, "arket er ikke laget med «rapport innspill lag» (merkingen mangler), så "
                       "endringene kan ikke kontrolleres. Er det svaret fra en avdeling, be om arket de fikk, eller "
                       f"{_BY_HAND}; flytt så filen ut av mappen")
        return None
    if properties[YEAR_PROPERTY] != str(year):
        problems.error(path.name, None, None, f"innspillet gjelder {properties[YEAR_PROPERTY]}, "
                       f"men rapporteringsåret er {year}. Flytt filen ut av mappen")
        return None
    marks = {name[len(ROW_PROPERTY):]: value.partition(":")[::2]
             for name, value in properties.items() if name.startswith(ROW_PROPERTY)}
    return Returned(path, rows, marks)


def _check_dates(change: Change, old: Assignment, problems: Problems) -> None:
    """A date replaced by text in a returned sheet is taken in as text, never silently."""
    for index, c in enumerate(schema.ASSIGNMENTS.columns, start=1):
        before, after = getattr(old, c.field), getattr(change.row, c.field)
        if c.kind is Kind.DATE_OR_TEXT and isinstance(before, dt.date) and isinstance(after, str):
            problems.warning(change.path.name, schema.ASSIGNMENTS.name, f"{get_column_letter(index)}{change.row.row}",
                             f"{c.header} for {change.row.key} var datoen {format_date_short(before)} og er nå teksten "
                             f"«{after}», som tas inn som tekst. Er det en dato, skriv dag.måned.år (31.12.2023)")


def _describe(old, new) -> str:
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > SHORT:
        return f"endret ({len(old)} → {len(new)} tegn)"
    return f"{show(old)} → {show(new)}"


def waiting(config: Config, dataset: Dataset) -> dict[str, list[str]] | None:
    """Per department, the assignments of the year no reply has been merged for (nor entered by
    hand since the workbooks were made), while the year's round is under way (the workbooks are
    in innspill/YEAR/); None when it is not."""
    folder = config.root / "innspill" / str(config.year)
    if not (folder / BASE_FILE).is_file() and not any(folder.glob("innspill-*.xlsx")):
        return None
    merged = merged_records(_properties(config.data_dir / schema.ASSIGNMENTS_BOOK.filename), config.year)
    bases = base_rows(folder, config.year)
    answered = {a.id for a in dataset.rows_for(config.year)  # a reply to any of its rows answers it
                if a.key in merged or (a.key in bases and fingerprint(bases[a.key]) != fingerprint(a))}
    left: dict[str, list[str]] = {}
    for a in dataset.assignments_for(config.year):
        if a.id not in answered:
            left.setdefault(a.responsible, []).append(a.id)
    return left
