"""`rapport innspill lag`: one workbook per department to collect its status (`les` is in
report/workflow/replies.py).

`lag` writes one workbook per responsible department with its assignments for the reporting
year, in the layout of data/oppdrag.xlsx. Each workbook carries, as custom document properties,
the year, and per assignment two fingerprints: of the row in data/oppdrag.xlsx when the workbook
was made (the base) and of the row as sent; the base rows themselves are kept beside the
workbooks (BASE_FILE). `les` uses them for a three-way merge.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from report.data import schema
from report.data.config import load_config
from report.data.files import write_atomically
from report.data.load import load_dataset
from report.data.model import Assignment
from report.data.problems import DataError
from report.data.workbooks import as_row, write_workbook

YEAR_PROPERTY = "nhsp-innspill-aar"
# A copy of data/oppdrag.xlsx as it was when the workbooks were made, beside them (hidden): `les`
# compares field by field with it, so only a field both sides changed differently is a conflict.
BASE_FILE = ".grunnlag-oppdrag.xlsx"
ROW_PROPERTY = "nhsp-oppdrag-"  # + the row's key (ID, and delivery); value "<base fingerprint>:<sent fingerprint>"
LOCKED = ("id", "year", "part")  # what names a row: the departments cannot change it
EDITABLE = [c for c in schema.ASSIGNMENTS.columns if c.field not in LOCKED]


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
        "ID, År og Delleveranse er låst, og rader kan ikke legges til eller slettes (arket er beskyttet uten passord). "
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
    assignments = dataset.rows_for(year)
    if not assignments:
        raise InnspillError(f"Det finnes ingen oppdrag for {year} i data/oppdrag.xlsx. "
                            f"Har du kjørt «rapport nytt-aar {year}»?")
    folder = Path(folder) if folder else Path(root) / "innspill" / str(year)
    last_year = {a.key: a for a in dataset.rows_for(year - 1)}
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
            sent = [prefilled(a, last_year.get(a.key)) for a in rows]
            properties = {YEAR_PROPERTY: str(year)}
            properties.update({ROW_PROPERTY + a.key: f"{fingerprint(a)}:{fingerprint(s)}" for a, s in zip(rows, sent)})
            written.append(folder / names[responsible])
            write_workbook(written[-1], _guide(year, responsible), {schema.ASSIGNMENTS.name: [as_row(s) for s in sent]},
                           created=created, properties=properties, locked=LOCKED)
            lines.append(f"  {names[responsible]}: {_counted(rows)} ({responsible})")
        written.append(folder / BASE_FILE)
        write_atomically(written[-1], (config.data_dir / schema.ASSIGNMENTS_BOOK.filename).read_bytes())
    except BaseException:  # all workbooks or none: a half set would be sent out by mistake
        for path in written:
            path.unlink(missing_ok=True)
        raise
    lines.append("Send hvert ark til avdelingen det gjelder. Legg de utfylte arkene tilbake i samme mappe "
                 f"og kjør «rapport innspill les {_shown(folder)}».")
    return lines


def _counted(rows: list[Assignment]) -> str:
    """'3 oppdrag', or '3 oppdrag, 2 av dem med 5 delleveranser'."""
    ids = {a.id for a in rows}
    parts = [a for a in rows if a.part]
    if not parts:
        return f"{len(ids)} oppdrag"
    return f"{len(ids)} oppdrag, {len({a.id for a in parts})} av dem med {len(parts)} delleveranser"


def _shown(path: Path) -> Path:
    """`path` as the writer would type it in the current folder."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def prefilled(a: Assignment, previous: Assignment | None) -> Assignment:
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
