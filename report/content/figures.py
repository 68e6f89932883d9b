"""Indicator figures in one accessible house style, with alt text generated from the data.

Each figure is written as SVG (html, typst) and PNG (docx), and once more as a narrower SVG
with larger type for the web page on a phone (`PHONE`: its text as large as the page's small
text, where the page's figure scaled down to a phone's width would leave ~5 px letters). Series
differ by marker and
line style as well as colour, and are labelled directly; a target is a dashed line
labelled "Mål"; numbers are Norwegian; time is spaced as time. The source line and the notes
are text under the figure (templates/figur.md.j2), never part of the image. Output is
byte-identical for the same data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from report.content import palette
from report.content.blocks import code_digest
from report.content.norsk import axis_label, format_number, format_period, format_value, join_and
from report.data.model import Indicator, IndicatorValue

MARKERS = ["o", "s", "^", "D", "v", "P"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1))]
MAX_SERIES = 6
MAX_BARS = 24
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 8,  # the unit over the value axis
    "svg.hashsalt": "nhsp",
    "svg.fonttype": "path",
    "text.parse_math": False,  # text from the data is never mathtext
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": palette.TEXT,
    "text.color": palette.TEXT,
    "axes.labelcolor": palette.TEXT,
    "xtick.color": palette.TEXT,
    "ytick.color": palette.TEXT,
}
WIDTH = 6.3  # inches: the PDF's and the Word file's text width, the web page's column
# the phone's version, `ID-smal.svg` (report/publish/html/furniture.py shows it below 576 px):
# a phone's column is ~340 px, where this width is shown at its size and 11 pt is ~14.7 px
PHONE, PHONE_WIDTH, PHONE_STYLE = "-smal", 3.6, {**STYLE, "font.size": 11, "axes.titlesize": 11}


@dataclass(frozen=True)
class IndicatorFigure:
    id: str
    caption: str
    alt_text: str
    note: str  # under the figure, before the source line: what it leaves out, where its axis starts
    source_line: str
    svg: Path
    png: Path
    phone_svg: Path


def shown_series(values: list[IndicatorValue]) -> tuple[dict[str, list[IndicatorValue]], str]:
    """Values per geography, Norge (level land) first, and a note on what is left out.

    With more geographies than a figure can tell apart, it shows Norge and the geographies
    with the lowest and the highest latest value (a bar chart of one period shows up to
    MAX_BARS); the note says so, under the figure.
    """
    groups: dict[str, list[IndicatorValue]] = {}
    for v in sorted(values, key=lambda v: (v.geo_level != "land", v.geo, v.period.sort_key)):
        groups.setdefault(v.geo, []).append(v)
    one_period = len({v.period for v in values}) == 1
    if len(groups) <= (MAX_BARS if one_period else MAX_SERIES):
        return groups, ""
    national = {g: s for g, s in groups.items() if s[0].geo_level == "land"}
    others = sorted((g for g in groups if g not in national), key=lambda g: (groups[g][-1].value, g))
    keep = (MAX_BARS if one_period else MAX_SERIES) - len(national)
    low, high = others[: keep // 2], others[len(others) - (keep - keep // 2):]
    chosen = {**national, **{g: groups[g] for g in low + high}}
    level = {"kommune": "kommuner", "fylke": "fylker", "helsefellesskap": "helsefellesskap", "RHF": "RHF"}
    name = level.get(groups[others[0]][0].geo_level, "geografier")
    shown = " og " if national else ""
    note = (f"Figuren viser {', '.join(national)}{shown}de {len(low)} laveste og {len(high)} høyeste "
            f"av {len(others)} {name} etter siste verdi.")
    return chosen, note


def source_line(indicator: Indicator, values: list[IndicatorValue]) -> str:
    """"Kilde: NPR." and which numbers are illustrative (made up for the sample data), if any."""
    sources = sorted({v.source or indicator.source for v in values})
    real = [s for s in sources if "illustrativ" not in s] or [indicator.source]
    line = "Kilde: " + ", ".join(real) + "."
    made_up = [v for v in values if "illustrativ" in v.source]
    if len(made_up) == len(values):
        line += " Alle tallene er illustrative (eksempeldata)."
    elif made_up:
        periods = sorted({v.period for v in made_up}, key=lambda p: p.midpoint)
        line += f" Tall for {join_and([format_period(p) for p in periods])} er illustrative (eksempeldata)."
    return line


def alt_text(indicator: Indicator, series: dict[str, list[IndicatorValue]], kind: str) -> str:
    """What the image shows, for screen readers; the note and source line under it are text already."""
    geos = list(series)
    first = series[geos[0]]
    periods = sorted({v.period for s in series.values() for v in s}, key=lambda p: p.sort_key)
    span = (f"fra {format_period(periods[0])} til {format_period(periods[-1])}" if len(periods) > 1
            else f"for {format_period(periods[0])}")
    if len(geos) > MAX_SERIES:
        where = f"{len(geos)} geografier"
    else:
        where = join_and(geos)
    unit = indicator.unit
    name = indicator.name[0].lower() + indicator.name[1:] if indicator.name[1:2].islower() else indicator.name
    text = f"{kind} over {name}, i {unit}, for {where} {span}."
    latest = first[-1]
    value = format_value(latest.value, indicator.decimals, unit)
    text += f" Siste verdi for {geos[0]} ({format_period(latest.period)}) er {value}"
    if indicator.target is not None:
        target = format_value(indicator.target, indicator.decimals, unit)
        met = indicator.target_met(latest.value)
        side = "over" if latest.value > indicator.target else "under" if latest.value < indicator.target else "på"
        text += f", {side} målet på {target}"
        text += "" if met is None else f" ({'målet er nådd' if met else 'målet er ikke nådd'})"
    text += "."
    if len(geos) > MAX_SERIES:
        ranked = sorted(((s[-1].value, g) for g, s in series.items()))
        (low, lowest), (high, highest) = ranked[0], ranked[-1]
        text += (f" Lavest er {lowest} med {format_value(low, indicator.decimals, unit)}, høyest er "
                 f"{highest} med {format_value(high, indicator.decimals, unit)}.")
    return text


def _matplotlib():
    """pyplot and ticker, imported when a figure is first drawn: a build whose figures all
    come from the cache does without matplotlib's import time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    return plt, ticker


def _value_ticks(lo: float, hi: float, decimals: int, ticker) -> list[float]:
    """A line chart's value-axis ticks, the first where the axis starts: at zero when the data fill
    at least half the height from there (the lowest value is at most half the highest), else at
    the tick next below the lowest value, so that a small change far from zero stays readable.
    Ticks are round in the indicator's `decimals`, so no two labels read the same."""
    start = min(lo, 0) if lo <= hi / 2 else lo
    locator = ticker.MaxNLocator(5, steps=[1, 2, 5, 10], integer=decimals == 0)
    ticks = [float(t) for t in locator.tick_values(start, max(hi, 0))]
    if start != 0 and ticks[0] >= start:  # start below the lowest value, so its marker is whole
        ticks.insert(0, 2 * ticks[0] - ticks[1])
    floor = 0.0 if start == 0 else max(t for t in ticks if t < start)
    return [t for t in ticks if t >= floor]


def _thin_labels(labels) -> None:
    """Hide tick labels that would overlap the next one shown, keeping the latest period."""
    shown = None
    for label in reversed(labels):
        box = label.get_window_extent()
        if shown is not None and box.x1 + 6 > shown.x0:
            label.set_visible(False)
        else:
            shown = box


def _axis_break(ax) -> None:
    """Two short slashes across the value axis just above its foot: it does not start at zero."""
    low, high = 0.05, 0.08
    ax.plot([0, 0], [low, high], transform=ax.transAxes, color="white", linewidth=3, clip_on=False, zorder=3)
    for y in (low, high):
        ax.plot([-0.012, 0.012], [y - 0.015, y + 0.015], transform=ax.transAxes, color=palette.TEXT,
                linewidth=0.9, clip_on=False, zorder=4)


def render_indicator_figure(indicator: Indicator, values: list[IndicatorValue], out_dir: Path) -> IndicatorFigure:
    """The figure as SVG and PNG, and the phone's SVG. Time is spaced as time (each period at its
    midpoint, labelled as written); bars start at zero, and so do lines unless that would flatten
    them, which the axis break and the note under the figure then say. The note and the source
    line are text under the figure (in `figure_block`), not part of the image."""
    out_dir.mkdir(parents=True, exist_ok=True)
    series, note = shown_series(values)
    plt, ticker = _matplotlib()
    svg, png = out_dir / f"{indicator.id}.svg", out_dir / f"{indicator.id}.png"
    phone_svg = out_dir / f"{indicator.id}{PHONE}.svg"
    with plt.rc_context(STYLE):
        fig, axis_note = _plot(plt, ticker, indicator, series, WIDTH)
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
        fig.savefig(png, dpi=200, metadata={"Software": None})
        plt.close(fig)
    with plt.rc_context(PHONE_STYLE):
        fig, _ = _plot(plt, ticker, indicator, series, PHONE_WIDTH)
        fig.savefig(phone_svg, metadata={"Date": None, "Creator": None})
        plt.close(fig)
    kind = "Stolpediagram" if _periods(series)[1] else "Linjediagram"
    return IndicatorFigure(indicator.id, indicator.name, alt_text(indicator, series, kind), f"{note} {axis_note}".strip(),
                           source_line(indicator, values), svg, png, phone_svg)


def _periods(series: dict[str, list[IndicatorValue]]) -> tuple[list, bool]:
    """The periods shown, in order, and whether the figure is a bar chart (one period only)."""
    periods = sorted({v.period for s in series.values() for v in s}, key=lambda p: p.sort_key)
    return periods, len(periods) == 1


def _plot(plt, ticker, indicator: Indicator, series: dict[str, list[IndicatorValue]], width: float):
    """The figure `width` inches wide, in the style in effect, and the note on its value axis
    when it does not start at zero ("")."""
    periods, as_bars = _periods(series)
    axis_note = ""

    def number(x: float) -> str:
        return format_number(x, indicator.decimals if abs(x) < 1000 else 0)

    formatter = ticker.FuncFormatter(lambda x, _: number(x))
    height = max(3.5, 1.2 + 0.2 * len(series)) if as_bars else 3.5
    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    if as_bars:
        items = sorted(((geo, s[-1].value) for geo, s in series.items()), key=lambda t: t[1])
        ax.barh([g for g, _ in items], [v for _, v in items], color=palette.SERIES[0])
        for y, (_, v) in enumerate(items):
            ax.annotate(number(v), (v, y), xytext=(3, 0), textcoords="offset points", va="center")
        ax.xaxis.set_major_formatter(formatter)
        ax.grid(axis="x", color=palette.GRID, linewidth=0.6)
    else:
        for n, (geo, s) in enumerate(series.items()):
            points = sorted((v.period.midpoint, v.value) for v in s)
            xs, ys = [x for x, _ in points], [y for _, y in points]
            ax.plot(xs, ys, color=palette.SERIES[n], marker=MARKERS[n], linestyle=LINESTYLES[n],
                    linewidth=2.2 if n == 0 else 1.4, markersize=5)
            # Labelled in the margin right of the last period; the layout makes room for it.
            ax.annotate(f"{geo} {number(ys[-1])}", (xs[-1], ys[-1]), xytext=(7, 0),
                        textcoords="offset points", va="center", color=palette.SERIES[n],
                        annotation_clip=False)
        in_time = sorted(periods, key=lambda p: p.midpoint)
        first, last = in_time[0].midpoint, in_time[-1].midpoint
        pad = 0.06 * (last - first) or 0.5
        ax.set_xlim(first - pad, last + pad)
        ax.set_xticks([p.midpoint for p in in_time], [axis_label(p) for p in in_time])
        shown = [v.value for s in series.values() for v in s]
        shown += [] if indicator.target is None else [indicator.target]
        ticks = _value_ticks(min(shown), max(shown), indicator.decimals, ticker)
        floor, top = ticks[0], max(shown) + 0.06 * (max(shown) - ticks[0])
        ax.set_ylim(floor, top)
        ax.set_yticks([t for t in ticks if t <= top])
        ax.yaxis.set_major_formatter(formatter)
        ax.grid(axis="y", color=palette.GRID, linewidth=0.6)
        if floor > 0:
            _axis_break(ax)
            axis_note = f"Verdiaksen starter på {format_value(floor, indicator.decimals, indicator.unit)}, ikke på null."
    if indicator.target is not None:
        line = ax.axvline if as_bars else ax.axhline
        line(indicator.target, color=palette.TARGET, linestyle=(0, (4, 3)), linewidth=1.2)
        label = "Mål: " + format_value(indicator.target, indicator.decimals, indicator.unit)
        if as_bars:
            ax.annotate(label, (indicator.target, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -10), textcoords="offset points")
        else:
            ax.annotate(label, (0, indicator.target), xycoords=("axes fraction", "data"),
                        xytext=(2, 3), textcoords="offset points")
    ax.set_title(indicator.unit, loc="left")
    if not as_bars:
        fig.draw_without_rendering()  # lays out the axes, so the labels' widths are known
        _thin_labels(ax.get_xticklabels())
    return fig, axis_note


def _cache_key(indicator: Indicator, values: list[IndicatorValue]) -> str:
    """Everything a figure is drawn from, the code included: a change to any of it draws the figure again."""
    text = repr((code_digest(), metadata.version("matplotlib"), indicator, sorted(values, key=repr)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _from_cache(indicator: Indicator, key: str, out_dir: Path, previous: Path) -> IndicatorFigure | None:
    """The figure from the previous build when it was drawn from the same `key`, copied into `out_dir`."""
    meta = previous / f"{indicator.id}.json"
    if not meta.is_file():
        return None
    saved = json.loads(meta.read_text(encoding="utf-8"))
    files = [previous / name for name in (f"{indicator.id}.svg", f"{indicator.id}.png", f"{indicator.id}{PHONE}.svg")]
    if saved.pop("key") != key or not all(f.is_file() for f in files):
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    for f in files + [meta]:
        shutil.copyfile(f, out_dir / f.name)
    svg, png, phone_svg = (out_dir / f.name for f in files)
    return IndicatorFigure(**saved, svg=svg, png=png, phone_svg=phone_svg)


def _draw(indicator: Indicator, values: list[IndicatorValue], out_dir: Path, key: str) -> IndicatorFigure:
    figure = render_indicator_figure(indicator, values, out_dir)
    saved = {k: v for k, v in dataclasses.asdict(figure).items() if k not in ("svg", "png", "phone_svg")}
    (out_dir / f"{indicator.id}.json").write_text(json.dumps({**saved, "key": key}, ensure_ascii=False,
                                                             sort_keys=True), encoding="utf-8")
    return figure


def cached_indicator_figures(items: list[tuple[Indicator, list[IndicatorValue]]], out_dir: Path,
                             previous: Path) -> tuple[list[IndicatorFigure], list[str]]:
    """Each figure from the previous build when nothing it is drawn from has changed, else drawn
    anew (two or more in parallel, one process per core); and the IDs of those drawn."""
    figures: list[IndicatorFigure | None] = []
    todo = []
    for indicator, values in items:
        key = _cache_key(indicator, values)
        figures.append(_from_cache(indicator, key, out_dir, previous))
        if figures[-1] is None:
            todo.append((len(figures) - 1, (indicator, values, out_dir, key)))
    if todo:
        _matplotlib()  # imported once here, so the processes forked below have it already
    workers = min(len(todo), os.cpu_count() or 1)
    if workers > 1:
        out_dir.mkdir(parents=True, exist_ok=True)
        with ProcessPoolExecutor(workers) as pool:
            drawn = list(pool.map(_draw, *zip(*(args for _, args in todo))))
    else:
        drawn = [_draw(*args) for _, args in todo]
    for (index, _), figure in zip(todo, drawn):
        figures[index] = figure
    return figures, [args[0].id for _, args in todo]
