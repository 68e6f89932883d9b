"""The generated blocks and variables the chapters refer to, rendered from Jinja2 templates.

Every value a template prints is escaped with `markdown.inline` unless it is already
`Markdown` (tables, free text through `markdown.blocks`): spreadsheet text stays data.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import Counter
from pathlib import Path
from typing import Callable

import jinja2

from report import schema
from report.changes import assignment_changes, indicator_moves
from report.config import Config
from report.markdown import Markdown, blocks as md_blocks, inline
from report.model import Assignment, Dataset, Indicator, IndicatorValue
from report.norsk import format_date, format_date_short, format_number
from report.tables import fitting_columns, grid_table, pipe_table

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("report", "templates"),
    autoescape=False,
    finalize=lambda value: value if isinstance(value, Markdown) else inline("" if value is None else value),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
EMPTY = "–"


def _render(template: str, **context) -> str:
    return _ENV.get_template(template).render(**context)


def date_or_text(value) -> str:
    if value is None or value == "":
        return EMPTY
    return format_date_short(value) if isinstance(value, dt.date) else str(value)


def status_text(a: Assignment) -> str:
    """'Levert – frist 15.09.2022' or 'I rute – frist 1. kvartal 2023'."""
    return a.status if a.deadline is None else f"{a.status} – frist {date_or_text(a.deadline)}"


def progress(a: Assignment) -> Markdown:
    """The colour word (and trend) in a span whose class comes from the controlled list."""
    if not a.colour:
        return Markdown(EMPTY)
    words = a.colour.capitalize() + (f", {a.trend}" if a.trend else "")
    slug = {"grønn": "gronn", "gul": "gul", "rød": "rod"}[a.colour]
    return Markdown(f"[{inline(words)}]{{.fremdrift .fremdrift-{slug}}}")


def by_area(assignments: list[Assignment]) -> list[tuple[str, list[Assignment]]]:
    return [
        (name, sorted((a for a in assignments if a.area == area), key=lambda a: a.id))
        for area, name in schema.AREAS.items()
        if any(a.area == area for a in assignments)
    ]


def overview(dataset: Dataset, year: int) -> str:
    rows = []
    for area, items in by_area(dataset.assignments_for(year)):
        rows.append([Markdown(f"**{inline(area)}**"), Markdown(""), Markdown("")])
        rows += [[inline(a.title), inline(status_text(a)), progress(a)] for a in items]
    return _render("oppdrag-oversikt.md.j2", table=pipe_table(list(map(inline, schema.OVERVIEW_COLUMNS)), rows))


def new_assignments(dataset: Dataset, year: int) -> str:
    items = [a for a in dataset.assignments_for(year) if a.type in ("tillegg", "oppfølging")]
    rows = [[inline(a.title), inline(a.type), inline(schema.AREAS[a.area]), inline(date_or_text(a.deadline))]
            for a in sorted(items, key=lambda a: (list(schema.AREAS).index(a.area), a.id))]
    if not rows:
        rows = [[inline("Ingen nye oppdrag"), Markdown(EMPTY), Markdown(EMPTY), Markdown(EMPTY)]]
    return _render("oppdrag-oversikt.md.j2", table=pipe_table([inline(h) for h in ("Oppdrag", "Type", "Område", "Frist")], rows))


def activities(dataset: Dataset, year: int, area: str) -> str:
    items = sorted((a for a in dataset.assignments_for(year) if a.area == area), key=lambda a: a.id)
    return _render("aktiviteter.md.j2", assignments=items, status=status_text,
                   area=schema.AREAS[area].lower(), year=year)


def partnership_table(dataset: Dataset, year: int) -> str:
    status = {s.partnership: s for s in dataset.status_for(year)}
    yes_no = {True: "Ja", False: "Nei", None: EMPTY}
    rows = []
    for rhf in schema.RHFS:
        members = sorted((p for p in dataset.partnerships if p.rhf == rhf), key=lambda p: p.number)
        if not members:
            continue
        rows.append([Markdown(f"**{inline(rhf)}**")] + [Markdown("")] * 4)
        for p in members:
            s = status.get(p.name)
            rows.append([inline(p.name), inline(p.health_trust),
                         inline(EMPTY if p.municipalities is None else format_number(p.municipalities)),
                         inline(yes_no[s.established if s else None]), inline(yes_no[s.secretariat if s else None])])
    headers = ["Helsefellesskap", "Helseforetak", "Kommuner", "Formelt etablert", "Kommunalt sekretariat"]
    return _render("oppdrag-oversikt.md.j2", table=pipe_table(list(map(inline, headers)), rows, numeric=(2,)))


def partnership_status(dataset: Dataset, year: int) -> str:
    status = {s.partnership: s for s in dataset.status_for(year)}
    groups = [
        (rhf, [(p, status.get(p.name)) for p in sorted(dataset.partnerships, key=lambda p: p.number) if p.rhf == rhf])
        for rhf in schema.RHFS
    ]
    return _render("vedlegg2-status.md.j2", groups=[g for g in groups if g[1]], text=md_blocks, year=year)


def appendix7(dataset: Dataset, year: int) -> str:
    order = list(schema.AREAS)
    assignments = sorted(dataset.assignments_for(year), key=lambda a: (order.index(a.area), a.id))
    rows = [[md_blocks(date_or_text(getattr(a, field))) if getattr(a, field) not in (None, "") else Markdown(EMPTY)
             for _, field in schema.APPENDIX7_COLUMNS] for a in assignments]
    headers = [inline(h) for h, _ in schema.APPENDIX7_COLUMNS]
    columns = fitting_columns(schema.APPENDIX7_WIDTHS, rows + [headers])
    items = [(a, grid_table(headers, [cells], columns)) for a, cells in zip(assignments, rows)]
    return _render("vedlegg7.md.j2", items=items)


def format_value(value: float, decimals: int, unit: str) -> str:
    """49.6, 'prosent' → '49,6 %'; 16000, 'antall pasienter' → '16 000 pasienter'."""
    number = format_number(value, decimals)
    short = {"prosent": "%", "antall": "", "kroner": "kr", "endring i prosent": "% endring"}.get(unit)
    if short is None:
        short = unit.removeprefix("antall ")
    return f"{number} {short}".strip()


def changes(dataset: Dataset, year: int) -> str:
    moves = indicator_moves(dataset)
    groups = [(name, [m for m in moves if m.indicator.area == area]) for area, name in schema.AREAS.items()]

    def value(m, v: IndicatorValue) -> str:
        return format_value(v.value, m.indicator.decimals, m.indicator.unit)

    def target(m) -> Markdown:
        t = m.indicator.target
        return Markdown("" if t is None else f" (mål {inline(format_value(t, m.indicator.decimals, m.indicator.unit))})")

    def was(before: str | None) -> Markdown:
        return Markdown(f" (var {inline(before)})" if before else "")

    return _render("endringer.md.j2", changes=assignment_changes(dataset, year), year=year,
                   indicator_groups=[g for g in groups if g[1]], value=value, target=target, was=was)


def figure_block(figure, folder: str) -> str:
    def attr(text: str) -> Markdown:  # inside a quoted attribute: no quotes or backslashes
        return Markdown(" ".join(text.replace('"', "'").replace("\\", "/").split()))

    return _render("figur.md.j2", figure=figure, path=Markdown(f"{folder}/{figure.id}"), attr=attr)


def data_basis_block(manifest: dict) -> str:
    def rows(sheets: dict) -> str:
        return ", ".join(f"{name} {format_number(n)} rader" for name, n in sheets.items())

    return _render("datagrunnlag.md.j2", manifest=manifest, rows=rows)


ASSIGNMENTS = (schema.ASSIGNMENTS_BOOK.filename,)
INDICATORS = (schema.INDICATORS_BOOK.filename,)
PARTNERSHIPS = (schema.PARTNERSHIPS_BOOK.filename,)
_PARTS = {ASSIGNMENTS[0]: ("assignments",), INDICATORS[0]: ("indicators", "values"),
          PARTNERSHIPS[0]: ("partnerships", "partnership_status")}
Maker = Callable[[Dataset], str]


def block_makers(year: int) -> dict[str, tuple[tuple[str, ...], Maker]]:
    """Each block, the workbooks it is made from, and how. A block is given a dataset holding
    only those workbooks (`only`), so it cannot read another one unnoticed."""
    makers: dict[str, tuple[tuple[str, ...], Maker]] = {
        "oppdrag-oversikt": (ASSIGNMENTS, lambda d: overview(d, year)),
        "oppdrag-nye": (ASSIGNMENTS, lambda d: new_assignments(d, year)),
        "vedlegg2-tabell": (PARTNERSHIPS, lambda d: partnership_table(d, year)),
        "vedlegg2-status": (PARTNERSHIPS, lambda d: partnership_status(d, year)),
        "vedlegg7": (ASSIGNMENTS, lambda d: appendix7(d, year)),
        "endringer": (ASSIGNMENTS + INDICATORS, lambda d: changes(d, year)),
    }
    for area in schema.AREAS:
        makers[f"aktiviteter-{schema.area_slug(area)}"] = (ASSIGNMENTS, lambda d, area=area: activities(d, year, area))
    return makers


def figure_blocks(dataset: Dataset) -> dict[str, Indicator]:
    """A figure block for each indicator with values: 'figur-C02' → its indicator."""
    return {f"figur-{i.id}": i for i in dataset.indicators.values() if dataset.values_for(i.id)}


def block_names(dataset: Dataset, year: int) -> set[str]:
    """Every block a chapter may use: those `rapport generer` makes, the data basis and the figures."""
    return {*block_makers(year), "datagrunnlag", *figure_blocks(dataset)}


def only(dataset: Dataset, books: tuple[str, ...]) -> Dataset:
    """The part of `dataset` read from `books` (workbook file names); the rest empty."""
    return Dataset(**{name: getattr(dataset, name) for book in books for name in _PARTS[book]})


@functools.cache
def code_digest() -> str:
    """A digest of the tool's code and templates: blocks made by other code are made again."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.j2")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def variables(dataset: Dataset, config: Config) -> dict:
    """The values behind `{{< var KEY >}}`: Norwegian-formatted text, escaped as markdown."""
    year = config.year
    counts = Counter(a.status for a in dataset.assignments_for(year))
    status = dataset.status_for(year)
    indicators, figures = {}, {}
    for ind in dataset.indicators.values():
        national = [v for v in dataset.values_for(ind.id) if v.geo_level == "land"]
        latest = national[-1] if national else None
        indicators[ind.id] = {
            "siste": inline(format_value(latest.value, ind.decimals, ind.unit)) if latest else EMPTY,
            "periode": inline(latest.period.label) if latest else EMPTY,
            "maal": inline(format_value(ind.target, ind.decimals, ind.unit)) if ind.target is not None else "",
        }
        figures[ind.id] = {"tekst": inline(f"{ind.name} ({ind.unit})")}
    keys = {"Levert": "levert", "I rute": "i_rute", "Forsinket": "forsinket",
            "Ikke startet": "ikke_startet", "Avsluttet": "avsluttet"}
    return {
        "aar": str(year),
        "forrige_aar": str(year - 1),
        "dato": format_date(config.date),
        "oppdrag": {"antall": format_number(len(dataset.assignments_for(year))),
                    **{key: format_number(counts[s]) for s, key in keys.items()}},
        "helsefellesskap": {
            "antall": format_number(len(dataset.partnerships)),
            "etablert": format_number(sum(s.established for s in status)),
            "sekretariat": format_number(sum(s.secretariat for s in status)),
        },
        "indikator": indicators,
        "figur": figures,
    }
