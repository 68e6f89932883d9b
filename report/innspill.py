"""`rapport innspill lag` and `rapport innspill les`: collecting status from the departments.

`lag` writes one workbook per responsible department with its assignments for the reporting
year, in the layout of data/oppdrag.xlsx. Each workbook carries, as custom document properties,
the year, and per assignment two fingerprints: of the row in data/oppdrag.xlsx when the workbook
was made (the base) and of the row as sent. `les` uses them for a three-way merge: a returned
row that differs from what was sent is a change; it is refused when the base row has changed in
data/oppdrag.xlsx since, or when another workbook changed the same assignment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from report import schema
from report.backup import back_up, refuse_open
from report.config import load_config
from report.load import load_assignments, load_dataset
from report.model import Assignment
from report.norsk import format_date_short
from report.problems import DataError, Problems
from report.workbooks import as_row, write_workbook

YEAR_PROPERTY = "nhsp-innspill-aar"
ROW_PROPERTY = "nhsp-oppdrag-"  # + assignment ID; value "<base fingerprint>:<sent fingerprint>"
EDITABLE = [c for c in schema.ASSIGNMENTS.columns if c.field not in ("id", "year")]
_SHORT = 60  # longer texts are reported as "endret (n → m tegn)"


class InnspillError(Exception):
    pass


def fingerprint(assignment: Assignment) -> str:
    """A short hash of every field of the row (not its position in the sheet)."""
    fields = as_row(assignment)
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def file_name(year: int, responsible: str) -> str:
    """'Avdeling e-helse' → 'innspill-2022-avdeling-e-helse.xlsx' (never a path)."""
    text = responsible.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "uten-navn"
    return f"innspill-{year}-{slug}.xlsx"


def _guide(year: int, responsible: str) -> schema.Workbook:
    return schema.Workbook(
        schema.ASSIGNMENTS_BOOK.filename, (schema.ASSIGNMENTS,),
        f"Innspill til statusrapporten {year} fra {responsible}. Oppdater status, farge, trend og "
        "statusbeskrivelse (og andre felt som er endret) for hvert oppdrag i arket «Oppdrag». "
        "ID og År er låst, og rader kan ikke legges til eller slettes (arket er beskyttet uten passord). "
        f"Der årets statusbeskrivelse var tom, står teksten fra {year - 1}: skriv den om. "
        "Lagre filen og send den tilbake til redaktøren.",
    )


def make(root: Path, folder: Path | None = None) -> list[str]:
    """Write the innspill workbooks; return what to tell the writer."""
    config = load_config(root)
    dataset, problems = load_dataset(config.data_dir)
    if problems.errors:
        raise DataError(problems)
    year = config.year
    assignments = dataset.assignments_for(year)
    if not assignments:
        raise InnspillError(f"Det finnes ingen oppdrag for {year} i data/oppdrag.xlsx. "
                            f"Har du kjørt «rapport nytt-aar {year}»?")
    folder = Path(folder) if folder else Path(root) / "innspill" / str(year)
    last_year = {a.id: a for a in dataset.assignments_for(year - 1)}
    groups: dict[str, list[Assignment]] = defaultdict(list)
    for a in assignments:
        groups[a.responsible].append(a)
    names = _unique_names(year, list(groups))
    taken = sorted(name for name in names.values() if (folder / name).exists())
    if taken:
        raise InnspillError(f"Mappen {_shown(folder)} har allerede innspillsark ({', '.join(taken)}). Ingenting er "
                            "skrevet. Flytt dem, eller velg en annen mappe med --til.")
    folder.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.combine(config.date, dt.time())
    lines = [f"Laget {len(groups)} innspillsark for {year} i {_shown(folder)}:"]
    written: list[Path] = []
    try:
        for responsible, rows in groups.items():
            sent = [_prefilled(a, last_year.get(a.id)) for a in rows]
            properties = {YEAR_PROPERTY: str(year)}
            properties.update({ROW_PROPERTY + a.id: f"{fingerprint(a)}:{fingerprint(s)}" for a, s in zip(rows, sent)})
            written.append(folder / names[responsible])
            write_workbook(written[-1], _guide(year, responsible), {schema.ASSIGNMENTS.name: [as_row(s) for s in sent]},
                           created=created, properties=properties, locked=("id", "year"))
            lines.append(f"  {names[responsible]}: {len(rows)} oppdrag ({responsible})")
    except BaseException:  # all workbooks or none: a half set would be sent out by mistake
        for path in written:
            path.unlink(missing_ok=True)
        raise
    lines.append("Send hvert ark til avdelingen det gjelder. Legg de utfylte arkene tilbake i samme mappe "
                 f"og kjør «rapport innspill les {_shown(folder)}».")
    return lines


def _shown(path: Path) -> Path:
    """`path` as the writer would type it in the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _prefilled(a: Assignment, previous: Assignment | None) -> Assignment:
    if a.status_text or previous is None:
        return a
    return dataclasses.replace(a, status_text=previous.status_text)


def _unique_names(year: int, responsibles: list[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for responsible in responsibles:
        name = file_name(year, responsible)
        n = 2
        while name in names.values():
            name = file_name(year, f"{responsible} {n}")
            n += 1
        names[responsible] = name
    return names


@dataclass(frozen=True)
class Returned:
    """One returned workbook: its rows and the fingerprints written into it."""

    path: Path
    rows: list[Assignment]
    marks: dict[str, tuple[str, str]]  # ID → (base, sent)


def read(root: Path, folder: Path, now: dt.datetime | None = None, *, write: bool = True) -> tuple[list[str], list]:
    """Merge the returned workbooks in `folder` into data/oppdrag.xlsx (with `write` false, only
    say what would change).

    Returns (lines to print, warnings). Raises DataError with every problem, and then
    writes nothing.
    """
    config = load_config(root)
    dataset, problems = load_dataset(config.data_dir)
    if problems.errors:
        raise DataError(problems)
    folder = Path(folder)
    paths = sorted(p for p in folder.glob("*.xlsx") if not p.name.startswith("~$")) if folder.is_dir() else []
    if not paths:
        raise InnspillError(f"Fant ingen innspillsark (.xlsx) i {folder}.")
    found = Problems()  # in the returned workbooks
    returned = [r for r in (_read_one(p, config.year, found) for p in paths) if r is not None]
    current = {a.id: a for a in dataset.assignments_for(config.year)}
    changes = _changes(returned, current, config.year, found)
    if found.errors:
        raise DataError(found)

    last_year = {a.id: a for a in dataset.assignments_for(config.year - 1)}
    lines: list[str] = []
    for a, path in changes.values():
        old = current[a.id]
        lines.append(f"{a.id} {a.title} ({path.name}):")
        lines.extend(f"  {c.header}: {_describe(getattr(old, c.field), getattr(a, c.field))}"
                     for c in EDITABLE if getattr(old, c.field) != getattr(a, c.field))
        previous = last_year.get(a.id)
        if previous is not None and a.status_text and a.status_text == previous.status_text:
            found.warning(path.name, schema.ASSIGNMENTS.name, f"rad {a.row}",
                             f"statusbeskrivelsen for {a.id} er den samme som i {config.year - 1}. Er den oppdatert?")
    unchanged = sum(len(r.marks) for r in returned) - len(changes)
    if not changes:
        return [f"Ingen nye endringer i {len(returned)} innspillsark; data/oppdrag.xlsx er ikke endret."], found.warnings

    if not write:
        lines.append(f"{len(changes)} oppdrag ville blitt oppdatert. Ingenting er skrevet (--bare-vis).")
        return lines, found.warnings
    target = config.data_dir / schema.ASSIGNMENTS_BOOK.filename
    refuse_open([target])
    backup, stamp = back_up(config.data_dir, [target], now)
    merged = [changes[a.id][0] if a.year == config.year and a.id in changes else a for a in dataset.assignments]
    write_workbook(target, schema.ASSIGNMENTS_BOOK, {schema.ASSIGNMENTS.name: [as_row(a) for a in merged]},
                   created=dt.datetime.combine(config.date, dt.time()))
    lines += [
        f"Oppdatert {len(changes)} oppdrag i data/oppdrag.xlsx fra {len(returned)} innspillsark "
        f"({unchanged} oppdrag uendret).",
        f"Sikkerhetskopi av den forrige filen: {backup.relative_to(config.root)}/oppdrag-{stamp}.xlsx",
    ]
    return lines, found.warnings


def _read_one(path: Path, year: int, problems: Problems) -> Returned | None:
    rows, found = load_assignments(path)
    problems.extend(found)
    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        properties = {p.name: str(p.value) for p in wb.custom_doc_props}
        wb.close()
    except Exception:  # load_assignments has already said what is wrong with the file
        return None
    if YEAR_PROPERTY not in properties:
        problems.error(path.name, None, None, "arket er ikke laget med «rapport innspill lag» (merkingen mangler), "
                       "så endringene kan ikke kontrolleres. Lag innspillsarkene på nytt")
        return None
    if properties[YEAR_PROPERTY] != str(year):
        problems.error(path.name, None, None, f"innspillet gjelder {properties[YEAR_PROPERTY]}, "
                       f"men rapporteringsåret er {year}")
        return None
    marks = {name[len(ROW_PROPERTY):]: value.partition(":")[::2]
             for name, value in properties.items() if name.startswith(ROW_PROPERTY)}
    return Returned(path, rows, marks)


def _changes(returned: list[Returned], current: dict[str, Assignment], year: int,
             problems: Problems) -> dict[str, tuple[Assignment, Path]]:
    """Changed rows by ID, with the workbook each came from; conflicts and stray rows become problems."""
    changed: dict[str, list[tuple[Assignment, Path]]] = defaultdict(list)
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
            got = fingerprint(a)
            if got == sent:
                if sent != base:  # returned as sent: last year's text is not taken over
                    as_sent.append((a, where, cell))
                continue
            now = fingerprint(current[a.id])
            if got == now:  # already merged by an earlier run
                continue
            if now != base:
                problems.error(*where, cell, f"{a.id} er endret i data/oppdrag.xlsx etter at innspillsarket ble "
                               "laget. Før inn endringen for hånd, eller lag arket på nytt")
                continue
            changed[a.id].append((a, r.path))
        for missing in sorted(set(r.marks) - seen):
            problems.warning(*where, None, f"oppdraget {missing} mangler i arket; raden i data/oppdrag.xlsx "
                             "beholdes uendret")
    for a, where, cell in as_sent:
        if a.id not in changed:
            problems.warning(*where, cell, f"{a.id} er ikke endret i arket, så fjorårets statusbeskrivelse "
                             "er ikke tatt inn. Raden i data/oppdrag.xlsx er uendret")
    for key, versions in changed.items():
        if len(versions) > 1:
            files = " og ".join(p.name for _, p in versions)
            problems.error(versions[0][1].name, schema.ASSIGNMENTS.name, f"rad {versions[0][0].row}",
                           f"{key} er endret i flere innspillsark ({files}). Bestem hvilken endring som gjelder, "
                           "og fjern den andre")
    return {key: versions[0] for key, versions in changed.items()}


def _describe(old, new) -> str:
    def show(value) -> str:
        if value in (None, ""):
            return "(tom)"
        return format_date_short(value) if isinstance(value, dt.date) else f"«{value}»"

    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > _SHORT:
        return f"endret ({len(old)} → {len(new)} tegn)"
    return f"{show(old)} → {show(new)}"
