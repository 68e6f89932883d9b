"""`rapport endringer`: what the report publishes now against the previous build (or a draft, or
last year's report): each number and table cell that changed, was added or was removed, with
where it appears, and the large changes flagged for a second look.

Two records (report.content.published) are compared key by key. Changes of one subject (an
indicator, an assignment) from the same old to the same new value are one line: the indicator's
latest value in the text and the same point in its figure are one number to the reader.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from report.content.norsk import format_number
from report.content.published import BOOK, PREVIOUS_RECORD, RECORD
from report.data import schema
from report.data.config import CONFIG_FILE

THRESHOLD = 20.0  # per cent; `[endringer] terskel` in rapport.toml, per indicator `[endringer.terskler]`
SHORT = 60  # longer texts are shown shortened


class CompareError(Exception):
    pass


@dataclass
class Change:
    kind: str  # "endret" | "ny" | "fjernet"
    key: str
    label: str
    subject: str
    old: str | None
    new: str | None
    places: list[str]
    percent: float | None = None
    large: bool = False
    keys: list[str] = field(default_factory=list)


def load(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise CompareError(f"Kunne ikke lese {path}: {getattr(e, 'strerror', None) or e}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("numbers"), list):
        raise CompareError(f"{path} er ikke en oversikt over tallene i en rapport (laget av «rapport bygg»).")
    return data


def thresholds(root: Path) -> tuple[float, dict[str, float]]:
    """The default threshold in per cent and those set per indicator, from rapport.toml."""
    try:
        settings = tomllib.loads((Path(root) / CONFIG_FILE).read_text(encoding="utf-8")).get("endringer", {})
    except (OSError, ValueError):
        settings = {}
    per = {str(k): float(v) for k, v in (settings.get("terskler") or {}).items() if isinstance(v, (int, float))}
    default = settings.get("terskel", THRESHOLD)
    return (float(default) if isinstance(default, (int, float)) else THRESHOLD), per


def compare(old: dict, new: dict, threshold: float = THRESHOLD, per_subject: dict | None = None) -> list[Change]:
    """Every number that differs between two records, one subject's identical moves merged."""
    before = {e["key"]: e for e in old["numbers"]}
    after = {e["key"]: e for e in new["numbers"]}
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a and b and a["value"] == b["value"]:
            continue
        entry = b or a
        kind = "endret" if a and b else "ny" if b else "fjernet"
        change = Change(kind, key, entry["label"], entry.get("subject", ""), a and a["value"], b and b["value"],
                        list(entry["places"]), keys=[key])
        if a and b and a.get("raw") is not None and b.get("raw") is not None and a["raw"] != 0:
            change.percent = (b["raw"] - a["raw"]) / abs(a["raw"]) * 100
            limit = (per_subject or {}).get(change.subject, threshold)
            change.large = abs(change.percent) >= limit
        changes.append(change)
    return _merge(changes)


def _merge(changes: list[Change]) -> list[Change]:
    merged: dict[tuple, Change] = {}
    for c in changes:
        same = (c.kind, c.subject, c.old, c.new) if c.subject else (c.key,)
        if same in merged:
            first = merged[same]
            first.places += [p for p in c.places if p not in first.places]
            first.keys.append(c.key)
            if first.label != c.label:
                first.label = first.label.rsplit(", ", 1)[0] if ", " in first.label else first.label
        else:
            merged[same] = c
    for c in merged.values():  # the chapters' lines first, then the tables and figures
        c.places.sort(key=lambda place: ".qmd:" not in place)
    return list(merged.values())


def short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return f"«{text if len(text) <= SHORT else text[:SHORT - 1].rstrip() + '…'}»"


def shown(text: str | None) -> str:
    """A value as the change lines show it: numbers as printed, text in «» and shortened."""
    text = text or ""
    return text if len(text) <= 30 and "\n" not in text else short(text)


def percent_text(change: Change) -> str:
    if change.percent is None:
        return ""
    sign = "+" if change.percent > 0 else ""
    return f"{sign}{format_number(change.percent, 0)} %"


def line(change: Change) -> str:
    where = ", ".join(change.places)
    if change.kind == "ny":
        text = f"{change.label}: {shown(change.new)} (ny)"
    elif change.kind == "fjernet":
        text = f"{change.label}: {shown(change.old)} (fjernet)"
    else:
        text = f"{change.label}: {shown(change.old)} → {shown(change.new)}"
    flag = f" (!) stor endring: {percent_text(change)}" if change.large else ""
    return f"{text} — {where}{flag}"


def text_lines(changes: list[Change], old: dict, new: dict, against: str) -> list[str]:
    if not changes:
        return [f"Ingen endringer i tallene siden {against} ({stamp(old)})."]
    lines = [f"Endringer siden {against} ({stamp(old)} → {stamp(new)}):"]
    for kind, title in (("endret", "Endret"), ("ny", "Nye"), ("fjernet", "Fjernet")):
        group = [c for c in changes if c.kind == kind]
        if group:
            lines.append(f"{title} ({len(group)}):")
            lines += [f"  {line(c)}" for c in group]
    large = sum(c.large for c in changes)
    lines.append(f"{len(changes)} endringer" + (f", av dem {large} store (se «(!)»): se over dem én gang til."
                                                 if large else "."))
    return lines


def stamp(record: dict) -> str:
    text = record.get("stamp") or f"generert, {record.get('checksum', '?')}"
    return text + (", endelig versjon" if record.get("final") else "")


def write_workbook(changes: list[Change], path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Endringer"
    ws.append(["Hva", "Endring", "Før", "Nå", "Endring i prosent", "Stor endring", "Hvor"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    kinds = {"endret": "endret", "ny": "ny", "fjernet": "fjernet"}
    for c in changes:
        ws.append([c.label, kinds[c.kind], c.old or "", c.new or "",
                   round(c.percent, 1) if c.percent is not None else None, "ja" if c.large else "",
                   ", ".join(c.places)])
    for row in ws.iter_rows(min_row=2):  # spreadsheet text is never a formula
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                cell.data_type = "s"
    for column, width in zip("ABCDEFG", (50, 10, 40, 40, 12, 10, 60)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A2"
    wb.save(path)


def refuse_target(root: Path, target: Path) -> None:
    """Never a writer's data: not in data/ or innspill/, not a workbook the report is made from."""
    target = target.resolve()
    if target.suffix.lower() != ".xlsx":
        raise CompareError(f"--til må være en .xlsx-fil, ikke «{target.name}».")
    for folder in ("data", "innspill"):
        if target.is_relative_to((root / folder).resolve()):
            raise CompareError(f"Skriver ikke til {folder}/: der ligger regnearkene dere skriver i. "
                               "Velg en annen mappe, for eksempel prosjektmappen.")
    if target.name.casefold() in {b.filename.casefold() for b in schema.WORKBOOKS}:
        raise CompareError(f"«{target.name}» har samme navn som et av regnearkene rapporten lages fra. "
                           "Velg et annet filnavn.")


def run(root: Path, against: Path | None, target: Path | None) -> tuple[int, list[str]]:
    """The command: (exit code, lines to print). Raises CompareError with a message for the writer."""
    root = Path(root)
    current = root / BOOK / RECORD
    if not current.is_file():
        raise CompareError(f"Finner ikke {BOOK}/{RECORD}: bygg rapporten med «rapport bygg» først.")
    if against is None:
        other, what = root / BOOK / PREVIOUS_RECORD, "forrige bygging"
        if not other.is_file():
            raise CompareError(f"Finner ingen tidligere bygging å sammenligne med ({BOOK}/{PREVIOUS_RECORD}): "
                               "den lages når «rapport bygg» erstatter en rapport. Bygg på nytt, eller "
                               "sammenlign med en annen versjon: «rapport endringer --mot MAPPE».")
    else:
        folder = against if against.is_absolute() else Path.cwd() / against
        other = folder / RECORD if folder.is_dir() else folder
        what = f"{against}"
        if not other.is_file():
            raise CompareError(f"Finner ikke {RECORD} i {against}. Gi en mappe med {RECORD}: en kopi av "
                               f"{BOOK}/ eller en mappe i utgivelser/ (for eksempel utgivelser/2022).")
    if target is not None:
        refuse_target(root, target)
    old, new = load(other), load(current)
    default, per = thresholds(root)
    changes = compare(old, new, default, per)
    if target is not None:
        write_workbook(changes, target)
    lines = text_lines(changes, old, new, what)
    if target is not None:
        lines.append(f"Endringene er skrevet til {target} ({len(changes)} rader).")
    return 0, lines
