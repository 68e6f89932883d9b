"""The generated blocks the chapters insert with `{{< blokk NAME >}}`, rendered from Jinja2 templates.

Every value a template prints is escaped with `markdown.inline` unless it is already
`Markdown` (tables, free text through `markdown.blocks`): spreadsheet text stays data.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from pathlib import Path
from typing import Callable

import jinja2

from report.content.changes import IndicatorMove, assignment_changes, count_verdicts, indicator_moves
from report.content.markdown import Markdown, blocks as md_blocks, inline
from report.content.norsk import format_date, format_date_short, format_number, format_period, format_value, number_word
from report.content.references import MISSING
from report.content.tables import grid_table, pipe_table
from report.data import schema
from report.data.config import Config
from report.data.model import Assignment, Dataset, Indicator, IndicatorValue, Partnership, PartnershipStatus

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("report.content", "templates"),
    autoescape=False,
    finalize=lambda value: value if isinstance(value, Markdown) else inline("" if value is None else value),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
EMPTY = MISSING  # a value the data lacks; `references.check_references` warns where a chapter uses one
COLOUR_SLUG = {"grønn": "gronn", "gul": "gul", "rød": "rod"}
TYPE_NAMES = {"tillegg": "Tilleggsoppdrag", "oppfølging": "Oppfølgingsoppdrag"}  # Tabell 5.2, in this order
VERDICT_WORDS = {"bedre": "bedre", "verre": "verre", "uendret": "uendret", "uten retning": "ingen ønsket retning"}
PROMPT_STYLE = "Ledetekst"  # the Word style of the prompt under a header word
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(/[A-Za-z0-9._~/-]*)?$")  # shown as a link: nothing else can hide in it


def _render(template: str, **context) -> str:
    return _ENV.get_template(template).render(**context)


def date_or_text(value) -> str:
    if value is None or value == "":
        return EMPTY
    return format_date_short(value) if isinstance(value, dt.date) else str(value)


def status_text(a: Assignment) -> str:
    """'Levert – frist 15.09.2022', 'I rute – frist 1. kvartal 2023', and a deadline that is a
    word as a sentence has it: «Årlig» → 'I rute – årlig frist', «Ikke avklart» → 'frist ikke avklart'."""
    deadline = a.deadline
    if deadline is None or isinstance(deadline, dt.date):
        return a.status if deadline is None else f"{a.status} – frist {date_or_text(deadline)}"
    text = str(deadline).strip()
    if not any(c.isdigit() for c in text) and text[:2] != text[:2].upper():  # not «1. kvartal», not «RHF»
        text = text[0].lower() + text[1:]
        if text.isalpha():
            return f"{a.status} – {text} frist"
    return f"{a.status} – frist {text}"


def progress(a: Assignment) -> Markdown:
    """The colour word and trend in a span whose class comes from the controlled list."""
    if not a.colour:
        return Markdown(EMPTY)
    return _filled(a, a.colour.capitalize() + (f", {a.trend}" if a.trend else ""))


def _filled(a: Assignment, words: str) -> Markdown:
    return Markdown(f"[{inline(words)}]{{.fremdrift .fremdrift-{COLOUR_SLUG[a.colour]}}}")


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
        rows += [[inline(a.shown_title), inline(status_text(a)), progress(a)] for a in items]
    return _render("oppdrag-oversikt.md.j2", table=pipe_table(list(map(inline, schema.OVERVIEW_COLUMNS)), rows))


def new_assignments(dataset: Dataset, year: int) -> str:
    """Tabell 5.2: the additional and follow-up assignments, grouped by kind, with status and deadline."""
    order = list(schema.AREAS)
    rows = []
    for kind, name in TYPE_NAMES.items():
        items = sorted((a for a in dataset.assignments_for(year) if a.type == kind),
                       key=lambda a: (order.index(a.area), a.id))
        if items:
            rows.append([Markdown(f"**{inline(name)}**"), Markdown(""), Markdown("")])
            rows += [[inline(a.shown_title), inline(schema.AREAS[a.area]), inline(status_text(a))] for a in items]
    if not rows:
        rows = [[inline("Ingen nye oppdrag"), Markdown(EMPTY), Markdown(EMPTY)]]
    return _render("oppdrag-oversikt.md.j2",
                   table=pipe_table([inline(h) for h in ("Oppdrag", "Område", "Status og frist")], rows))


def activities(dataset: Dataset, year: int, area: str) -> str:
    """One short subsection per assignment: title, status and deadline, progress, what was done."""
    items = sorted((a for a in dataset.assignments_for(year) if a.area == area), key=lambda a: a.id)
    return _render("aktiviteter.md.j2", assignments=items, status=status_text, progress=progress,
                   text=md_blocks, area=schema.AREAS[area].lower(), year=year)


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
    """Vedlegg 2: a checklist per helsefellesskap, grouped by RHF, then its status text. What the
    data does not say is left out of the list, and said once above it."""
    status = {s.partnership: s for s in dataset.status_for(year)}
    groups = [
        (rhf, [(p, status.get(p.name), _checklist(p, status.get(p.name)))
               for p in sorted(dataset.partnerships, key=lambda p: p.number) if p.rhf == rhf])
        for rhf in schema.RHFS
    ]
    groups = [g for g in groups if g[1]]
    left_out = any(value is None for _, members in groups for _, _, items in members for _, value in items)
    return _render("vedlegg2-status.md.j2", groups=groups, left_out=left_out, text=md_blocks, year=year)


def _checklist(p: Partnership, s: PartnershipStatus | None) -> list[tuple[str, str | Markdown | None]]:
    """Each point and its value; None where the data does not say."""
    def yes_no(value: bool | None) -> str | None:
        return None if value is None else "ja" if value else "nei"

    meeting = p.first_meeting
    website = s.website if s else None
    return [
        ("Helseforetak", p.health_trust or None),
        ("Kommuner", None if p.municipalities is None else format_number(p.municipalities)),
        ("Formelt etablert", yes_no(s.established if s else None)),
        ("Første partnerskapsmøte", format_date(meeting) if isinstance(meeting, dt.date) else meeting or None),
        ("Strategisk samarbeidsutvalg", yes_no(s.strategic_council if s else None)),
        ("Faglige samarbeidsutvalg", yes_no(s.professional_councils if s else None)),
        ("Kommunalt sekretariat", yes_no(s.secretariat if s else None)),
        ("Nettside", Markdown(f"<{website}>") if website and _URL.match(website) else website or None),
    ]


def appendix7(dataset: Dataset, year: int, prompt: str = schema.STATUS_PROMPT) -> str:
    """One table per assignment: a row for the assignment and one for each delivery (its name
    first in the row), each followed by its «Overordnet status» across the whole table."""
    order = list(schema.AREAS)
    assignments = sorted(dataset.assignments_for(year), key=lambda a: (order.index(a.area), a.id))
    tables = {a.id: _appendix7_table(_shown_deliveries(dataset, a)) for a in assignments}
    headers = [Markdown(f"{inline(h)}\n\n[{inline(prompt)}]{{.ledetekst custom-style=\"{PROMPT_STYLE}\"}}")
               if field == "status_text" and prompt.strip() else inline(h) for h, field in schema.APPENDIX7_COLUMNS]
    items = [(a, grid_table(headers, tables[a.id], schema.APPENDIX7_WIDTHS)) for a in assignments]
    return _render("vedlegg7.md.j2", items=items)


def _shown_deliveries(dataset: Dataset, a: Assignment) -> list[Assignment]:
    """The assignment's rows, leaving out its own row when it only names the assignment and its
    deliveries hold the texts."""
    rows = dataset.deliveries(a)
    empty = not any(getattr(rows[0], f) not in (None, "") for _, f in schema.APPENDIX7_TEXTS)
    return rows[1:] if len(rows) > 1 and empty else rows


def _appendix7_table(rows: list[Assignment]) -> list[list[Markdown] | Markdown]:
    """The table's rows; beside deliveries, the assignment's own row is named «Hele oppdraget»."""
    return [line for a in rows for line in _appendix7_rows(a, a.part or ("Hele oppdraget" if len(rows) > 1 else ""))]


def _appendix7_rows(a: Assignment, name: str) -> list[list[Markdown] | Markdown]:
    cells = [md_blocks(date_or_text(getattr(a, f))) if getattr(a, f) not in (None, "") else Markdown(EMPTY)
             for _, f in schema.APPENDIX7_COLUMNS]
    if name:  # one of several rows: its name, status and progress first
        said = inline(status_text(a)) + (f"\\\n{progress(a)}" if a.colour else "")
        cells[0] = Markdown(f"**{inline(name)}**\\\n{said}" + ("" if cells[0] == EMPTY else f"\n\n{cells[0]}"))
    if not a.overall_status.strip():
        return [cells]
    head = f"**Overordnet status{f' for {inline(a.part)}' if a.part else ''}.**"
    verdict = [f"Fremdrift: {_filled(a, a.colour)}." if a.colour else "", f"Trend: {a.trend}." if a.trend else ""]
    lead = " ".join([head, *filter(None, verdict)])
    return [cells, Markdown(f"{lead}\n\n{md_blocks(a.overall_status)}")]


def target_text(ind: Indicator) -> str:
    """The target as the plan states it: '35 døgn', not '35,0 døgn'."""
    target = ind.target
    return format_value(target, 0 if float(target).is_integer() else ind.decimals, ind.unit)


def verdict_summary(moves: list[IndicatorMove]) -> str:
    """How the indicators moved, in words: «Av de tre indikatorene med ønsket retning gikk én i
    riktig retning og to i feil retning.», with the unchanged and those with no desired direction
    when there are any. No count of zero, and no sentence that starts with a digit."""
    c = count_verdicts(moves)
    w = number_word
    total, right, wrong, same = c["med_retning"], c["bedre"], c["verre"], c["uendret"]
    text = ""
    if total == 1:
        verdict = "gikk i riktig retning" if right else "gikk i feil retning" if wrong else "var uendret"
        text = f"Den ene indikatoren med ønsket retning {verdict}."
    elif total:
        moved = [f"{w(n)} i {way} retning" for n, way in ((right, "riktig"), (wrong, "feil")) if n]
        every = "Begge indikatorene" if total == 2 else f"Alle de {w(total)} indikatorene"
        if right == total or wrong == total:
            text = f"{every} med ønsket retning gikk i {'riktig' if right else 'feil'} retning."
        elif same == total:
            text = f"{every} med ønsket retning var uendret."
        else:
            lead = (f"Av de {w(total)} indikatorene med ønsket retning gikk " if right else
                    f"Ingen av de {w(total)} indikatorene med ønsket retning gikk i riktig retning: ")
            parts = moved if right else [f"{w(wrong)} gikk i feil retning"] if wrong else []
            tail = f"{w(same)} var uendret" if same else ""
            text = lead + " og ".join(parts) + (", og " if parts and tail else "") + tail + "."
    if n := c["uten retning"]:
        if text:
            text += f" I tillegg har {w(n)} {indicator_noun(n)} ingen ønsket retning og vurderes ikke."
        elif n == 1:
            text = "Den ene indikatoren har ingen ønsket retning og vurderes ikke."
        else:
            text = f"Ingen av de {w(n)} indikatorene har en ønsket retning, så de vurderes ikke."
    return text.strip()


def indicator_noun(count: int) -> str:
    return "indikator" if count == 1 else "indikatorer"


def changes(dataset: Dataset, year: int) -> str:
    moves = indicator_moves(dataset)
    groups = [(name, [m for m in moves if m.indicator.area == area]) for area, name in schema.AREAS.items()]

    def value(m, v: IndicatorValue) -> str:
        return format_value(v.value, m.indicator.decimals, m.indicator.unit)

    def target(m) -> Markdown:
        return Markdown("" if m.indicator.target is None else f" (mål {inline(target_text(m.indicator))})")

    def was(before: str | None) -> Markdown:
        return Markdown(f" (var {inline(before)})" if before else "")

    return _render("endringer.md.j2", changes=assignment_changes(dataset, year), year=year, moves=moves,
                   indicator_groups=[g for g in groups if g[1]], value=value, target=target, was=was,
                   summary=verdict_summary, verdict=lambda m: VERDICT_WORDS[m.verdict], period=format_period)


def figure_block(figure, folder: str, workbook: str | None = None) -> str:
    """The figure (image and alt text from `folder`), its note and source line, and on the web
    page a link to `workbook` (a project-relative path), which holds its numbers."""
    def attr(text: str) -> Markdown:  # inside a quoted attribute: no quotes or backslashes
        return Markdown(" ".join(text.replace('"', "'").replace("\\", "/").split()))

    return _render("figur.md.j2", figure=figure, path=Markdown(f"{folder}/{figure.id}"), attr=attr,
                   workbook=Markdown(workbook) if workbook else None)


def data_basis_block(manifest: dict, config: Config, stamp: str = "", final: bool = True) -> str:
    """«Om rapporten»: who publishes it, when, whom to ask, the data it is made from, and which
    build this is (`stamp`), a draft unless `final`."""
    def rows(sheets: dict) -> str:
        return ", ".join(f"{name} {format_number(n)} rader" for name, n in sheets.items())

    return _render("datagrunnlag.md.j2", manifest=manifest, rows=rows, publisher=inline(config.author),
                   date=inline(format_date(config.date)), contact=inline(config.contact) if config.contact else None,
                   stamp=stamp, final=final)


ASSIGNMENTS = (schema.ASSIGNMENTS_BOOK.filename,)
INDICATORS = (schema.INDICATORS_BOOK.filename,)
PARTNERSHIPS = (schema.PARTNERSHIPS_BOOK.filename,)
_PARTS = {ASSIGNMENTS[0]: ("assignments",), INDICATORS[0]: ("indicators", "values"),
          PARTNERSHIPS[0]: ("partnerships", "partnership_status")}
Maker = Callable[[Dataset], str]


def block_makers(year: int, prompt: str = schema.STATUS_PROMPT) -> dict[str, tuple[tuple[str, ...], Maker]]:
    """Each block, the workbooks it is made from, and how (`prompt`: the Status column's in
    Vedlegg 7). A block is given a dataset holding only those workbooks (`only`), so it cannot
    read another one unnoticed."""
    makers: dict[str, tuple[tuple[str, ...], Maker]] = {
        "oppdrag-oversikt": (ASSIGNMENTS, lambda d: overview(d, year)),
        "oppdrag-nye": (ASSIGNMENTS, lambda d: new_assignments(d, year)),
        "vedlegg2-tabell": (PARTNERSHIPS, lambda d: partnership_table(d, year)),
        "vedlegg2-status": (PARTNERSHIPS, lambda d: partnership_status(d, year)),
        "vedlegg7": (ASSIGNMENTS, lambda d: appendix7(d, year, prompt)),
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
    package = Path(__file__).parents[1]  # the whole report package
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.j2")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
