"""The three-way merge behind `rapport innspill les`: which returned rows change data/oppdrag.xlsx,
and which are conflicts the editor decides.

A returned row that differs from what was sent is a change. It is merged when the row in
data/oppdrag.xlsx is still the base, or when it is what an earlier merge of a reply with the same
base wrote (a corrected copy: the newer answer). When the editor changed the row too, the base
rows kept beside the workbooks (innspill.BASE_FILE) let the fields be merged one by one: only a
field both sides changed to different values is a conflict. Any conflict leaves the assignment
as it is; the editor's changes are never overwritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from report.content.norsk import format_date_short
from report.data import schema
from report.data.load import load_assignments
from report.data.model import Assignment
from report.data.problems import Problem, Problems
from report.workflow.innspill import BASE_FILE, EDITABLE, fingerprint, prefilled

MERGED_PROPERTY = "nhsp-flettet-"  # + year-ID; value "<base>:<written>,<written>…:<workbook name>"
_HISTORY = 8  # written fingerprints kept per assignment (a custom property holds 255 characters)
SHORT = 60  # longer texts are reported as "endret (n → m tegn)"


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


def merged_records(properties: dict[str, str], year: int) -> dict[str, Merged]:
    prefix = f"{MERGED_PROPERTY}{year}-"
    records = {}
    for name, value in properties.items():
        parts = value.split(":", 2)
        if name.startswith(prefix) and len(parts) == 3:
            records[name[len(prefix):]] = Merged(parts[0], tuple(parts[1].split(",")), parts[2])
    return records


def merge_records(changes: dict[str, Change], before: dict[str, Merged], year: int) -> dict[str, str]:
    """The custom properties recording this merge, per assignment."""
    records = {}
    for key, ch in changes.items():
        earlier = before.get(key)
        written = (earlier.written if earlier and earlier.base == ch.base else ()) + (fingerprint(ch.row),)
        records[f"{MERGED_PROPERTY}{year}-{key}"] = f"{ch.base}:{','.join(written[-_HISTORY:])}:{ch.path.name[:100]}"
    return records


def base_rows(folder: Path, year: int) -> dict[str, Assignment]:
    path = folder / BASE_FILE
    if not path.is_file():
        return {}
    rows, _ = load_assignments(path)
    return {a.key: a for a in rows if a.year == year}


def three_way(base: Assignment, sent: Assignment, reply: Assignment, now: Assignment) -> tuple[Assignment, list]:
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


def find_changes(returned: list[Returned], current: dict[str, Assignment], merged: dict[str, Merged], year: int,
             bases: Bases, problems: Problems, conflicts: dict[str, Problem]) -> dict[str, Change]:
    """Changed rows by ID; stray rows become problems, conflicts go to `conflicts`."""
    changed: dict[str, dict[str, Change]] = defaultdict(dict)  # ID → fingerprint → change (equal copies once)
    as_sent: list[tuple[Assignment, tuple, str]] = []
    for r in returned:
        where = (r.path.name, schema.ASSIGNMENTS.name)
        seen = set()
        for a in r.rows:
            cell = f"rad {a.row}"
            if a.key not in r.marks:
                problems.error(*where, cell, f"oppdraget {a.key} ble ikke sendt ut i dette arket. Nye oppdrag "
                               "legges inn i data/oppdrag.xlsx; ikke endre ID")
                continue
            if a.year != year or a.key not in current:
                problems.error(*where, cell, f"{a.key} for {a.year} finnes ikke i data/oppdrag.xlsx. Ikke endre ID eller År")
                continue
            seen.add(a.key)
            base, sent = r.marks[a.key]
            got, now = fingerprint(a), fingerprint(current[a.key])
            if got == sent:
                if sent != base:  # returned as sent: last year's text is not taken over
                    as_sent.append((a, where, cell))
                continue
            earlier = merged.get(a.key)
            same_base = earlier is not None and earlier.base == base
            if got == now or same_base and got in earlier.written:  # merged by an earlier run
                continue
            if now == base:
                changed[a.key][got] = Change(a, r.path, base)
                continue
            if same_base and now == earlier.written[-1]:  # a corrected copy: the newer answer
                changed[a.key][got] = Change(a, r.path, base, replaces=earlier.file)
                continue
            rows = None if same_base else bases.base(a.key, base, sent)
            if rows is not None:  # the editor changed the row too: merge field by field
                both, clashes = three_way(*rows, a, current[a.key])
                if not clashes:
                    changed[a.key][fingerprint(both)] = Change(both, r.path, base)
                    continue
                shown = differences([("arket", a), ("data/oppdrag.xlsx", current[a.key])], clashes)
            else:
                shown = differences([("arket", a), ("data/oppdrag.xlsx", current[a.key])])
            by = f" (der svaret fra {earlier.file} er ført inn tidligere)" if earlier else ""
            conflicts[a.key] = Problem(r.path.name, schema.ASSIGNMENTS.name, cell,
                                      f"{a.key} er endret både i arket og i data/oppdrag.xlsx{by} etter at arket ble "
                                      f"laget: {shown}. Endringer i data/oppdrag.xlsx skrives aldri over: før inn det "
                                      "som skal gjelde for hånd. Oppdraget er ikke endret; de andre er ført inn")
        for missing in sorted(set(r.marks) - seen):
            problems.warning(*where, None, f"oppdraget {missing} mangler i arket; raden i data/oppdrag.xlsx "
                             "beholdes uendret")
    for a, where, cell in as_sent:
        if a.key not in changed:
            problems.warning(*where, cell, f"{a.key} er ikke endret i arket, så fjorårets statusbeskrivelse "
                             "er ikke tatt inn. Raden i data/oppdrag.xlsx er uendret")
    for key, versions in changed.items():
        if len(versions) > 1:
            first = next(iter(versions.values()))
            shown = differences([(v.path.name, v.row) for v in versions.values()])
            conflicts[key] = Problem(first.path.name, schema.ASSIGNMENTS.name, f"rad {first.row.row}",
                                     f"{key} er endret i flere innspillsark: {shown}. Bestem hvilken endring som "
                                     "gjelder, og flytt de andre arkene ut av mappen (eller rett dem). Oppdraget er "
                                     "ikke endret; de andre er ført inn")
    return {key: next(iter(versions.values())) for key, versions in changed.items() if len(versions) == 1}


def show(value) -> str:
    if value in (None, ""):
        return "(tom)"
    return format_date_short(value) if isinstance(value, dt.date) else f"«{value}»"


def differences(versions: list[tuple[str, Assignment]], columns=EDITABLE) -> str:
    """The fields (of `columns`) on which the versions differ, each value with where it is from."""
    parts = []
    for c in columns:
        values = [getattr(a, c.field) for _, a in versions]
        if any(v != values[0] for v in values):
            shown = ", ".join(f"{describe_one(v)} i {where}" for (where, _), v in zip(versions, values))
            parts.append(f"{c.header} {shown}")
    return "; ".join(parts)


def describe_one(value) -> str:
    if isinstance(value, str) and len(value) > SHORT:
        return f"«{value[:SHORT - 20]}…» ({len(value)} tegn)"
    return show(value)
