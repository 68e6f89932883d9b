"""`rapport innspill les`: merging the departments' returned innspill workbooks into data/oppdrag.xlsx.

Each returned workbook carries the fingerprints `innspill lag` wrote (see report/workflow/innspill.py):
per assignment, of the row in data/oppdrag.xlsx when the workbook was made (the base) and of the
row as sent. A returned row that differs from what was sent is a change. It is merged when the
row in data/oppdrag.xlsx is still the base, or when it is what an earlier merge of a reply with
the same base wrote (a corrected copy: the newer answer). Any other change in data/oppdrag.xlsx
since is the editor's, and never overwritten: that is a conflict, as is one assignment changed
in two workbooks.

Every merge records, in custom document properties of data/oppdrag.xlsx, per assignment the base
and the fingerprints of the rows it wrote, and the name of the workbook, so a later run knows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from report.content.norsk import format_date_short
from report.data import schema
from report.data.config import load_config
from report.data.load import load_assignments, load_dataset
from report.data.model import Assignment
from report.data.problems import DataError, Problem, Problems
from report.data.schema import Kind
from report.data.workbooks import Unkept, as_row, update_rows
from report.workflow.backup import back_up, refuse_open
from report.workflow.innspill import (
    BASE_FILE,
    EDITABLE,
    ROW_PROPERTY,
    YEAR_PROPERTY,
    InnspillError,
    fingerprint,
    prefilled,
)

MERGED_PROPERTY = "nhsp-flettet-"  # + year-ID; value "<base>:<written>,<written>…:<workbook name>"
_HISTORY = 8  # written fingerprints kept per assignment (a custom property holds 255 characters)
_SHORT = 60  # longer texts are reported as "endret (n → m tegn)"
_IGNORED = ("thumbs.db", "desktop.ini")  # written by Windows into any folder
_SAVE_AS = {
    ".xls": "en gammel Excel-fil (.xls)", ".xlsm": "en Excel-fil med makroer (.xlsm)",
    ".xlsb": "en binær Excel-fil (.xlsb)", ".ods": "en LibreOffice-fil (.ods)", ".numbers": "en Numbers-fil",
}
_BY_HAND = "før endringene inn for hånd i data/oppdrag.xlsx"


@dataclass(frozen=True)
class Returned:
    """One returned workbook: its rows and the fingerprints written into it."""

    path: Path
    rows: list[Assignment]
    marks: dict[str, tuple[str, str]]  # ID → (base, sent)


@dataclass(frozen=True)
class Merged:
    """What earlier merges wrote for one assignment."""

    base: str
    written: tuple[str, ...]  # fingerprints of the rows written, the last one last
    file: str


@dataclass(frozen=True)
class Result:
    lines: list[str]  # what was (or would be) merged
    warnings: list[Problem]
    conflicts: list[Problem]  # assignments left as they are: the editor decides


@dataclass(frozen=True)
class Bases:
    """The rows as they were when the workbooks were made (BASE_FILE), and last year's rows (for
    the status text the workbooks were prefilled with); empty for workbooks made before BASE_FILE."""

    rows: dict[str, Assignment]
    last_year: dict[str, Assignment]

    def base(self, key: str, base: str, sent: str) -> tuple[Assignment, Assignment] | None:
        """(base row, row as sent) for `key`, when they match the workbook's fingerprints."""
        row = self.rows.get(key)
        if row is None or fingerprint(row) != base:
            return None
        as_sent = prefilled(row, self.last_year.get(key))
        return (row, as_sent) if fingerprint(as_sent) == sent else None


@dataclass(frozen=True)
class Change:
    row: Assignment
    path: Path
    base: str
    replaces: str | None = None  # the earlier reply this newer answer replaces


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
    merged_before = _merged(_properties(target), config.year)
    returned = [r for r in (_read_one(p, config.year, found) for p in paths) if r is not None]
    current = {a.id: a for a in dataset.assignments_for(config.year)}
    last_year = {a.id: a for a in dataset.assignments_for(config.year - 1)}
    bases = Bases(_base_rows(folder, config.year), last_year)
    conflicts: dict[str, Problem] = {}  # ID → the conflict; the other assignments are merged
    changes = _changes(returned, current, merged_before, config.year, bases, found, conflicts)

    lines: list[str] = []
    for change in changes.values():
        a, old = change.row, current[change.row.id]
        newer = f"; nyere svar som erstatter svaret fra {change.replaces}" if change.replaces else ""
        lines.append(f"{a.id} {a.title} ({change.path.name}{newer}):")
        lines.extend(f"  {c.header}: {_describe(getattr(old, c.field), getattr(a, c.field))}"
                     for c in EDITABLE if getattr(old, c.field) != getattr(a, c.field))
        _check_dates(change, old, found)
        previous = last_year.get(a.id)
        if previous is not None and a.status_text and a.status_text == previous.status_text:
            found.warning(change.path.name, schema.ASSIGNMENTS.name, f"rad {a.row}",
                          f"statusbeskrivelsen for {a.id} er den samme som i {config.year - 1}. Er den oppdatert?")
    if found.errors:
        found.items.extend(conflicts.values())
        raise DataError(found)
    # assignments, not rows: an ID in two copies of a workbook is one assignment
    answered = {a.id for r in returned for a in r.rows if a.id in r.marks}
    unchanged = len(answered - set(changes) - set(conflicts))
    result = Result(lines, found.warnings, list(conflicts.values()))
    if not changes:
        lines.append(f"Ingen nye endringer i {len(returned)} innspillsark; data/oppdrag.xlsx er ikke endret.")
        return result
    if not write:
        lines.append(f"{len(changes)} oppdrag ville blitt oppdatert. Ingenting er skrevet (--bare-vis).")
        return result

    refuse_open([target])
    expected = [as_row(changes[a.id].row if a.year == config.year and a.id in changes else a)
                for a in dataset.assignments]
    cells = {current[key].row: {c.field: getattr(ch.row, c.field) for c in EDITABLE
                                if getattr(current[key], c.field) != getattr(ch.row, c.field)}
             for key, ch in changes.items()}
    backup, stamp = back_up(config.data_dir, [target], now)
    try:
        update_rows(target, schema.ASSIGNMENTS, cells, properties=_records(changes, merged_before, config.year),
                    check=lambda written: _verify(written, expected))
    except Unkept as e:
        raise InnspillError(
            f"data/oppdrag.xlsx har innhold som ville gått tapt om filen ble skrevet ({e}). Ingenting er "
            f"endret. Fjern det fra filen, eller {_BY_HAND} (se dem med --bare-vis).") from e
    lines += [
        f"Oppdatert {len(changes)} oppdrag i data/oppdrag.xlsx fra {len(returned)} innspillsark "
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


def _merged(properties: dict[str, str], year: int) -> dict[str, Merged]:
    prefix = f"{MERGED_PROPERTY}{year}-"
    records = {}
    for name, value in properties.items():
        parts = value.split(":", 2)
        if name.startswith(prefix) and len(parts) == 3:
            records[name[len(prefix):]] = Merged(parts[0], tuple(parts[1].split(",")), parts[2])
    return records


def _records(changes: dict[str, Change], before: dict[str, Merged], year: int) -> dict[str, str]:
    """The custom properties recording this merge, per assignment."""
    records = {}
    for key, ch in changes.items():
        earlier = before.get(key)
        written = (earlier.written if earlier and earlier.base == ch.base else ()) + (fingerprint(ch.row),)
        records[f"{MERGED_PROPERTY}{year}-{key}"] = f"{ch.base}:{','.join(written[-_HISTORY:])}:{ch.path.name[:100]}"
    return records


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


def _base_rows(folder: Path, year: int) -> dict[str, Assignment]:
    path = folder / BASE_FILE
    if not path.is_file():
        return {}
    rows, _ = load_assignments(path)
    return {a.id: a for a in rows if a.year == year}


def _three_way(base: Assignment, sent: Assignment, reply: Assignment, now: Assignment) -> tuple[Assignment, list]:
    """The reply's changes on top of the row now, field by field, and the fields both sides
    changed to different values (same value on both sides is no conflict)."""
    fields, clashes = {}, []
    for c in EDITABLE:
        mine, theirs = getattr(now, c.field), getattr(reply, c.field)
        if theirs == mine or theirs == getattr(sent, c.field):
            continue
        if mine == getattr(base, c.field):
            fields[c.field] = theirs
        else:
            clashes.append(c)
    return dataclasses.replace(now, **fields, row=reply.row), clashes


def _changes(returned: list[Returned], current: dict[str, Assignment], merged: dict[str, Merged], year: int,
             bases: Bases, problems: Problems, conflicts: dict[str, Problem]) -> dict[str, Change]:
    """Changed rows by ID; stray rows become problems, conflicts go to `conflicts`."""
    changed: dict[str, dict[str, Change]] = defaultdict(dict)  # ID → fingerprint → change (equal copies once)
    as_sent: list[tuple[Assignment, tuple, str]] = []
    for r in returned:
        where = (r.path.name, schema.ASSIGNMENTS.name)
        seen = set()
        for a in r.rows:
            cell = f"rad {a.row}"
            if a.id not in r.marks:
                problems.error(*where, cell, f"oppdraget {a.id} ble ikke sendt ut i dette arket. Nye oppdrag "
                               "legges inn i data/oppdrag.xlsx; ikke endre ID")
                continue
            if a.year != year or a.id not in current:
                problems.error(*where, cell, f"{a.id} for {a.year} finnes ikke i data/oppdrag.xlsx. Ikke endre ID eller År")
                continue
            seen.add(a.id)
            base, sent = r.marks[a.id]
            got, now = fingerprint(a), fingerprint(current[a.id])
            if got == sent:
                if sent != base:  # returned as sent: last year's text is not taken over
                    as_sent.append((a, where, cell))
                continue
            earlier = merged.get(a.id)
            same_base = earlier is not None and earlier.base == base
            if got == now or same_base and got in earlier.written:  # merged by an earlier run
                continue
            if now == base:
                changed[a.id][got] = Change(a, r.path, base)
                continue
            if same_base and now == earlier.written[-1]:  # a corrected copy: the newer answer
                changed[a.id][got] = Change(a, r.path, base, replaces=earlier.file)
                continue
            rows = None if same_base else bases.base(a.id, base, sent)
            if rows is not None:  # the editor changed the row too: merge field by field
                both, clashes = _three_way(*rows, a, current[a.id])
                if not clashes:
                    changed[a.id][fingerprint(both)] = Change(both, r.path, base)
                    continue
                shown = _differences([("arket", a), ("data/oppdrag.xlsx", current[a.id])], clashes)
            else:
                shown = _differences([("arket", a), ("data/oppdrag.xlsx", current[a.id])])
            by = f" (der svaret fra {earlier.file} er ført inn tidligere)" if earlier else ""
            conflicts[a.id] = Problem(r.path.name, schema.ASSIGNMENTS.name, cell,
                                      f"{a.id} er endret både i arket og i data/oppdrag.xlsx{by} etter at arket ble "
                                      f"laget: {shown}. Endringer i data/oppdrag.xlsx skrives aldri over: før inn det "
                                      "som skal gjelde for hånd. Oppdraget er ikke endret; de andre er ført inn")
        for missing in sorted(set(r.marks) - seen):
            problems.warning(*where, None, f"oppdraget {missing} mangler i arket; raden i data/oppdrag.xlsx "
                             "beholdes uendret")
    for a, where, cell in as_sent:
        if a.id not in changed:
            problems.warning(*where, cell, f"{a.id} er ikke endret i arket, så fjorårets statusbeskrivelse "
                             "er ikke tatt inn. Raden i data/oppdrag.xlsx er uendret")
    for key, versions in changed.items():
        if len(versions) > 1:
            first = next(iter(versions.values()))
            shown = _differences([(v.path.name, v.row) for v in versions.values()])
            conflicts[key] = Problem(first.path.name, schema.ASSIGNMENTS.name, f"rad {first.row.row}",
                                     f"{key} er endret i flere innspillsark: {shown}. Bestem hvilken endring som "
                                     "gjelder, og flytt de andre arkene ut av mappen (eller rett dem). Oppdraget er "
                                     "ikke endret; de andre er ført inn")
    return {key: next(iter(versions.values())) for key, versions in changed.items() if len(versions) == 1}


def _check_dates(change: Change, old: Assignment, problems: Problems) -> None:
    """A date replaced by text in a returned sheet is taken in as text, never silently."""
    for index, c in enumerate(schema.ASSIGNMENTS.columns, start=1):
        before, after = getattr(old, c.field), getattr(change.row, c.field)
        if c.kind is Kind.DATE_OR_TEXT and isinstance(before, dt.date) and isinstance(after, str):
            problems.warning(change.path.name, schema.ASSIGNMENTS.name, f"{get_column_letter(index)}{change.row.row}",
                             f"{c.header} for {change.row.id} var datoen {format_date_short(before)} og er nå teksten "
                             f"«{after}», som tas inn som tekst. Er det en dato, skriv dag.måned.år (31.12.2023)")


def _show(value) -> str:
    if value in (None, ""):
        return "(tom)"
    return format_date_short(value) if isinstance(value, dt.date) else f"«{value}»"


def _differences(versions: list[tuple[str, Assignment]], columns=EDITABLE) -> str:
    """The fields (of `columns`) on which the versions differ, each value with where it is from."""
    parts = []
    for c in columns:
        values = [getattr(a, c.field) for _, a in versions]
        if any(v != values[0] for v in values):
            shown = ", ".join(f"{_describe_one(v)} i {where}" for (where, _), v in zip(versions, values))
            parts.append(f"{c.header} {shown}")
    return "; ".join(parts)


def _describe_one(value) -> str:
    if isinstance(value, str) and len(value) > _SHORT:
        return f"«{value[:_SHORT - 20]}…» ({len(value)} tegn)"
    return _show(value)


def _describe(old, new) -> str:
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > _SHORT:
        return f"endret ({len(old)} → {len(new)} tegn)"
    return f"{_show(old)} → {_show(new)}"
