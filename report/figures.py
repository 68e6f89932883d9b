"""Indicator figures in one accessible house style, with alt text generated from the data.

Each figure is written as SVG (html, typst) and PNG (docx). Series differ by marker and
line style as well as colour, and are labelled directly; a target is a dashed line
labelled "Mål"; numbers are Norwegian. Output is byte-identical for the same data.
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

from report import __version__, palette
from report.blocks import format_value
from report.model import Indicator, IndicatorValue
from report.norsk import format_number

MARKERS = ["o", "s", "^", "D", "v", "P"]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1))]
MAX_SERIES = 6
MAX_BARS = 24
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
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


@dataclass(frozen=True)
class IndicatorFigure:
    id: str
    caption: str
    alt_text: str
    source_line: str
    svg: Path
    png: Path


def _series(values: list[IndicatorValue]) -> tuple[dict[str, list[IndicatorValue]], str]:
    """Values per geography, Norge (level land) first, and a note on what is left out.

    With more geographies than a figure can tell apart, it shows Norge and the geographies
    with the lowest and the highest latest value (a bar chart of one period shows up to
    MAX_BARS); the note says so, in the figure and in its alt text.
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


def _source_line(indicator: Indicator, values: list[IndicatorValue]) -> str:
    sources = sorted({v.source or indicator.source for v in values})
    real = [s for s in sources if "illustrativ" not in s] or [indicator.source]
    line = "Kilde: " + ", ".join(real) + "."
    if len(real) < len(sources):
        line += " Tall merket illustrativ er eksempeldata."
    return line


def alt_text(indicator: Indicator, series: dict[str, list[IndicatorValue]], kind: str, note: str = "") -> str:
    geos = list(series)
    first = series[geos[0]]
    periods = sorted({v.period for s in series.values() for v in s}, key=lambda p: p.sort_key)
    span = f"fra {periods[0].label} til {periods[-1].label}" if len(periods) > 1 else f"for {periods[0].label}"
    if len(geos) > MAX_SERIES:
        where = f"{len(geos)} geografier"
    else:
        where = geos[0] if len(geos) == 1 else ", ".join(geos[:-1]) + " og " + geos[-1]
    unit = indicator.unit
    name = indicator.name[0].lower() + indicator.name[1:] if indicator.name[1:2].islower() else indicator.name
    text = f"{kind} over {name}, i {unit}, for {where} {span}."
    latest = first[-1]
    value = format_value(latest.value, indicator.decimals, unit)
    text += f" Siste verdi for {geos[0]} ({latest.period.label}) er {value}"
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
    return f"{text} {note}".strip()


def _matplotlib():
    """pyplot and ticker, imported when a figure is first drawn: a build whose figures all
    come from the cache does without matplotlib's import time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import ticker

    return plt, ticker


def render_indicator_figure(indicator: Indicator, values: list[IndicatorValue], out_dir: Path) -> IndicatorFigure:
    out_dir.mkdir(parents=True, exist_ok=True)
    series, note = _series(values)
    periods = sorted({v.period for s in series.values() for v in s}, key=lambda p: p.sort_key)
    as_bars = len(periods) == 1
    plt, ticker = _matplotlib()
    formatter = ticker.FuncFormatter(lambda x, _: format_number(x, indicator.decimals if abs(x) < 1000 else 0))
    with plt.rc_context(STYLE):
        height = max(3.5, 1.2 + 0.2 * len(series)) if as_bars else 3.5
        fig, ax = plt.subplots(figsize=(6.3, height), layout="constrained")
        if as_bars:
            items = sorted(((geo, s[-1].value) for geo, s in series.items()), key=lambda t: t[1])
            ax.barh([g for g, _ in items], [v for _, v in items], color=palette.SERIES[0])
            for y, (_, v) in enumerate(items):
                ax.annotate(format_number(v, indicator.decimals), (v, y), xytext=(3, 0),
                            textcoords="offset points", va="center")
            ax.xaxis.set_major_formatter(formatter)
            ax.grid(axis="x", color=palette.GRID, linewidth=0.6)
        else:
            index = {p: i for i, p in enumerate(periods)}
            for n, (geo, s) in enumerate(series.items()):
                xs, ys = [index[v.period] for v in s], [v.value for v in s]
                ax.plot(xs, ys, color=palette.SERIES[n], marker=MARKERS[n], linestyle=LINESTYLES[n],
                        linewidth=2.2 if n == 0 else 1.4, markersize=5)
                ax.annotate(f"{geo} {format_number(ys[-1], indicator.decimals)}", (xs[-1], ys[-1]),
                            xytext=(5, 0), textcoords="offset points", va="center", color=palette.SERIES[n])
            ax.set_xticks(range(len(periods)), [p.label for p in periods])
            ax.set_xlim(-0.3, len(periods) - 0.3 + 0.35 * len(periods))
            ax.yaxis.set_major_formatter(formatter)
            ax.yaxis.set_major_locator(ticker.MaxNLocator(5))
            ax.grid(axis="y", color=palette.GRID, linewidth=0.6)
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
        ax.set_title(indicator.unit, loc="left", fontsize=8)
        source = _source_line(indicator, values)
        footer = "\n".join(filter(None, [note, source]))
        fig.text(0.01, 0.005, footer, fontsize=7, ha="left", va="bottom")
        bottom = (9 * (footer.count("\n") + 1) + 4) / 72 / height  # 9 pt a line of 7 pt text
        fig.get_layout_engine().set(rect=(0, bottom, 1, 1 - bottom))
        svg, png = out_dir / f"{indicator.id}.svg", out_dir / f"{indicator.id}.png"
        fig.savefig(svg, metadata={"Date": None, "Creator": None})
        fig.savefig(png, dpi=200, metadata={"Software": None})
        plt.close(fig)
    kind = "Stolpediagram" if as_bars else "Linjediagram"
    return IndicatorFigure(indicator.id, indicator.name, alt_text(indicator, series, kind, note), source, svg, png)


def _cache_key(indicator: Indicator, values: list[IndicatorValue]) -> str:
    """Everything a figure is drawn from: a change to any of it draws the figure again."""
    text = repr((__version__, metadata.version("matplotlib"), indicator, sorted(values, key=repr)))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _from_cache(indicator: Indicator, key: str, out_dir: Path, previous: Path) -> IndicatorFigure | None:
    """The figure from the previous build when it was drawn from the same `key`, copied into `out_dir`."""
    meta = previous / f"{indicator.id}.json"
    if not meta.is_file():
        return None
    saved = json.loads(meta.read_text(encoding="utf-8"))
    files = [previous / f"{indicator.id}.{ext}" for ext in ("svg", "png")]
    if saved.pop("key") != key or not all(f.is_file() for f in files):
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    for f in files + [meta]:
        shutil.copyfile(f, out_dir / f.name)
    return IndicatorFigure(**{**saved, "svg": out_dir / files[0].name, "png": out_dir / files[1].name})


def _draw(indicator: Indicator, values: list[IndicatorValue], out_dir: Path, key: str) -> IndicatorFigure:
    figure = render_indicator_figure(indicator, values, out_dir)
    saved = {k: v for k, v in dataclasses.asdict(figure).items() if k not in ("svg", "png")}
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
