"""Every number and table cell the report publishes, with where each appears: the record a build
leaves beside the report (`tall.json`), so the next build, a draft or last year's report can be
compared with it (`rapport endringer`).

The record is made from the validated dataset and the chapters, without Quarto: each variable a
chapter uses (chapter and line), each field of the assignments and helsefellesskap the generated
tables show (the table, or the chapter and line of the block), and each point of every figure. Keys
are stable between builds, so two records are compared key by key.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from report.content.blocks import EMPTY, TYPE_NAMES, _checklist, date_or_text, figure_blocks
from report.content.changes import assignment_changes
from report.content.chapters import book_chapters, markdown_lines
from report.content.figures import shown_series
from report.content.norsk import format_period, format_value
from report.content.references import MISSING, Reference, chapter_text, find_references, flatten
from report.data import schema
from report.data.config import CONFIG_FILE, Config, quarto_settings
from report.data.model import Dataset
from report.data.problems import Problems

RECORD = "tall.json"  # in _generert/ after `rapport generer`, in _bok/ after `rapport bygg`
PREVIOUS_RECORD = "tall-forrige.json"  # in _bok/: the record of the build it replaced
BOOK = "_bok"
_UNNUMBERED = re.compile(r"^#\s.*\{[^}]*(\.unnumbered|(?<![\w-])-(?![\w-]))[^}]*\}\s*$")
_LABEL = re.compile(r"\{[^}]*?#(fig|tbl)-[\w-]*\w")
# a number alone or before a unit ('55,0 døgn', '16 000 pasienter', '49,6 %'), never a date or «1. kvartal»
_NUMBER = re.compile(r"^([−-]?(?:\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:,\d+)?)(?:[ \u00a0][^\d]{1,30})?$")
FIELD_WORDS = {
    "navn": "navn", "siste": "siste verdi", "siste_tall": "siste verdi (tall)", "periode": "siste periode",
    "forrige": "forrige verdi", "forrige_periode": "forrige periode", "endring": "endring",
    "endring_prosent": "endring i prosent", "retning": "retning", "vurdering": "vurdering", "maal": "mål",
    "maal_naadd": "mål nådd", "regioner_periode": "periode for regionene", "hoyest": "høyeste verdi",
    "hoyest_navn": "høyeste (navn)", "lavest": "laveste verdi", "lavest_navn": "laveste (navn)",
    "regioner_naadd": "regioner som har nådd målet", "regioner_naadd_navn": "regioner som har nådd målet (navn)",
    "tekst": "figurtekst",
}


def plain(text: str) -> str:
    """The markdown escapes taken off: the text as a reader sees it."""
    return re.sub(r"\\(.)", r"\1", str(text))


def number_in(text: str) -> float | None:
    """The number a printed value starts with ('55,0 dager' → 55.0); None for words."""
    m = _NUMBER.match(text.strip())
    if not m:
        return None
    return float(m.group(1).replace("−", "-").replace(" ", "").replace("\u00a0", "").replace(",", "."))


def block_places(root: Path) -> dict[str, list[str]]:
    """Where each block stands in the book: 'Tabell 5.1' or 'Figur 8.1' inside a numbered table or
    figure of a numbered chapter, 'Vedlegg 7' in an appendix, else 'chapters/x.qmd:12'."""
    quarto = _book(root)
    places: dict[str, list[str]] = {}
    chapter = 0
    for name, appendix in quarto:
        path = root / name
        if not path.is_file():
            continue
        lines = markdown_lines(name, chapter_text(path), Problems())
        first = next((line.text for line in lines if line.text.startswith("# ")), "")
        numbered = not appendix and not _UNNUMBERED.match(first.strip())
        chapter += numbered
        counts = {"fig": 0, "tbl": 0}
        labels: dict[str, str] = {}  # the label's attributes → its number
        for line in lines:
            for m in _LABEL.finditer(line.text):
                counts[m.group(1)] += 1
                word = "Figur" if m.group(1) == "fig" else "Tabell"
                labels[m.group(0)] = f"{word} {chapter}.{counts[m.group(1)]}" if numbered else ""
            for ref in _blocks_in(line.text):
                inside = [labels.get(m.group(0), "") for d in line.divs for m in _LABEL.finditer(d)]
                if appendix:
                    place = f"Vedlegg {appendix}"
                elif inside and inside[-1]:
                    place = inside[-1]
                else:
                    place = f"{name}:{line.number}"
                places.setdefault(ref, [])
                if place not in places[ref]:
                    places[ref].append(place)
    return places


def _book(root: Path) -> list[tuple[str, int]]:
    """The book's files in order, each with its appendix number (0 for a chapter)."""
    appendices = (quarto_settings(root).get("book") or {}).get("appendices") or []
    listed = book_chapters(root)
    first = len(listed) - len([a for a in appendices if isinstance(a, str)])
    return [(name, max(0, i - first + 1)) for i, name in enumerate(listed)]


def _blocks_in(text: str) -> list[str]:
    return re.findall(r"\{\{<\s*blokk\s+([^\s>]+)\s*>\}\}", text)


def checksum(root: Path, config: Config) -> str:
    """A short digest of the data and the chapters the build was made from."""
    digest = hashlib.sha256()
    for path in [root / CONFIG_FILE, *(config.data_dir / b.filename for b in schema.WORKBOOKS),
                 *(root / name for name in book_chapters(root))]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:10]


def record(root: Path, dataset: Dataset, config: Config, variables: dict,
           references: list[Reference] | None = None) -> dict:
    """The numbers the report publishes (see the module's description)."""
    root = Path(root)
    in_book = set(book_chapters(root))
    refs = [r for r in (references if references is not None else find_references(root)) if r.file in in_book]
    blocks = block_places(root)
    numbers: dict[str, dict] = {}

    def add(key: str, label: str, value, places: list[str], subject: str = "", raw=None, row: str = "") -> None:
        if not places:
            return
        text = plain(value if value not in (None, "") else EMPTY)
        entry = numbers.setdefault(key, {"key": key, "label": label, "subject": subject, "value": text,
                                         "raw": raw if raw is not None else number_in(text), "places": []})
        if row:
            entry["row"] = row
        entry["places"] += [p for p in places if p not in entry["places"]]

    values = flatten(variables)
    for ref in refs:
        if ref.kind == "var" and ref.name in values:
            label, subject = _variable_label(ref.name, dataset)
            add(f"var:{ref.name}", label, values[ref.name], [f"{ref.file}:{ref.line}"], subject)
    _assignments(add, dataset, config.year, blocks)
    _partnerships(add, dataset, config.year, blocks)
    for block, ind in figure_blocks(dataset).items():
        for geo, series in shown_series(dataset.values_for(ind.id))[0].items():
            for v in series:
                land = v.geo_level == "land"
                add(f"figur:{ind.id}:{v.period.label}" + ("" if land else f":{geo}"),
                    f"{ind.name} ({ind.id}), {format_period(v.period)}" + ("" if land else f", {geo}"),
                    format_value(v.value, ind.decimals, ind.unit), blocks.get(block, []), ind.id, raw=v.value)
    return {"year": config.year, "numbers": sorted(numbers.values(), key=lambda e: e["key"])}


def _variable_label(name: str, dataset: Dataset) -> tuple[str, str]:
    parts = name.split(".")
    if len(parts) == 3 and parts[0] in ("indikator", "figur") and parts[1] in dataset.indicators:
        ind = dataset.indicators[parts[1]]
        return f"{ind.name} ({ind.id}), {FIELD_WORDS.get(parts[2], parts[2])}", ind.id
    return f"«{name}»", ""


def _assignments(add, dataset: Dataset, year: int, blocks: dict[str, list[str]]) -> None:
    overview, new = blocks.get("oppdrag-oversikt", []), blocks.get("oppdrag-nye", [])
    appendix7, changes = blocks.get("vedlegg7", []), blocks.get("endringer", [])
    moved = assignment_changes(dataset, year)  # the chapter on changes names these
    changed = {a.id for a in moved.new} | {a.id for a, *_ in moved.done + moved.status + moved.colour}
    for a in dataset.assignments_for(year):
        tables = overview + (new if a.type in TYPE_NAMES else [])
        activities = blocks.get(f"aktiviteter-{schema.area_slug(a.area)}", [])
        words = a.colour.capitalize() + (f", {a.trend}" if a.trend else "") if a.colour else EMPTY
        add(f"oppdrag:{a.id}:tittel", f"{a.id} tittel", a.title, tables + activities + appendix7, a.id, row=a.id)
        add(f"oppdrag:{a.id}:status", f"{a.id} status", a.status,
            tables + activities + (changes if a.id in changed else []), a.id, row=a.id)
        add(f"oppdrag:{a.id}:frist", f"{a.id} frist", date_or_text(a.deadline), tables + activities, a.id, row=a.id)
        add(f"oppdrag:{a.id}:fremdrift", f"{a.id} fremdrift", words, overview + activities, a.id, row=a.id)
        for d in dataset.deliveries(a):  # the assignment's own row (key: its ID), then each delivery's
            if d.part:
                add(f"oppdrag:{d.key}:status", f"{d.key} status", d.status, appendix7, a.id, row=d.key)
            for header, field in (*schema.APPENDIX7_COLUMNS, ("Overordnet status", "overall_status")):
                shown = appendix7 + (activities if field in ("status_text", "deliverable") and d is a else [])
                add(f"tabell:vedlegg7:{d.key}:{header}", f"{d.key} {header}", date_or_text(getattr(d, field)),
                    shown, a.id, row=d.key)


def _partnerships(add, dataset: Dataset, year: int, blocks: dict[str, list[str]]) -> None:
    table, status_block = blocks.get("vedlegg2-tabell", []), blocks.get("vedlegg2-status", [])
    in_table = {"Helseforetak", "Kommuner", "Formelt etablert", "Kommunalt sekretariat"}
    status = {s.partnership: s for s in dataset.status_for(year)}
    for p in dataset.partnerships:
        s = status.get(p.name)
        for point, value in _checklist(p, s):
            shown = status_block + (table if point in in_table else [])
            text = MISSING if value is None else str(value).strip("<>") if point == "Nettside" else value
            add(f"tabell:vedlegg2:{p.name}:{point}", f"{p.name}: {point.lower()}", text, shown, p.name, row=p.name)
        add(f"tabell:vedlegg2:{p.name}:Status", f"{p.name}: status", s.status_text if s else None, status_block,
            p.name, row=p.name)
