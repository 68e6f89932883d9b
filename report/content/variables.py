"""The values behind `{{< var KEY >}}` in the chapters: counts, indicator values and their
movement, all as Norwegian-formatted text escaped as markdown."""

from __future__ import annotations

from collections import Counter

from report.content.blocks import COLOUR_SLUG, EMPTY, VERDICT_WORDS, target_text
from report.content.changes import VERDICTS, IndicatorMove, count_verdicts, indicator_move, national, regional
from report.content.markdown import inline
from report.content.norsk import (
    counted_sentence,
    format_date,
    format_number,
    format_period,
    format_value,
    join_and,
    share_in_words,
)
from report.data import schema
from report.data.config import Config
from report.data.model import Assignment, Dataset, Indicator

# Per indicator, every key is always there; a value the data lacks is EMPTY (see INDICATOR_KEYS
# in the README). Regional keys describe the latest period below the national level.
FILE = "_variables.yml"  # where the build writes them (JSON, which is YAML) for Quarto's `var`

INDICATOR_KEYS = (
    "navn", "siste", "siste_tall", "periode", "forrige", "forrige_periode", "endring", "endring_prosent", "retning",
    "vurdering", "maal", "maal_naadd", "regioner_periode", "hoyest", "hoyest_navn", "lavest", "lavest_navn",
    "regioner_naadd", "regioner_naadd_navn",
)


def _key(word: str) -> str:
    """'Ikke startet' → 'ikke_startet'."""
    return word.lower().replace(" ", "_")


def _assignment_counts(items: list[Assignment], where: str = "") -> dict[str, str]:
    """Counts by status and by colour; each set adds up to 'antall'. 'oppsummering' says the
    statuses in one sentence, naming only those with any."""
    statuses = Counter(a.status for a in items)
    colours = Counter(a.colour for a in items)
    return {
        "antall": format_number(len(items)),
        "oppsummering": counted_sentence([(statuses[s], s.lower()) for s in schema.STATUSES],
                                         ("oppdraget", "oppdragene", "n"), "er", where),
        **{_key(s): format_number(statuses[s]) for s in schema.STATUSES},
        **{COLOUR_SLUG[c]: format_number(colours[c]) for c in schema.COLOURS},
        "uten_farge": format_number(colours[None]),
    }


def _indicator_counts(dataset: Dataset, indicators: list[Indicator],
                      moves: dict[str, IndicatorMove | None]) -> dict[str, str]:
    compared = [m for i in indicators if (m := moves[i.id])]
    c = count_verdicts(compared)
    right = c["med_retning"]
    with_values = sum(bool(dataset.values_for(i.id)) for i in indicators)
    return {
        "med_verdier": format_number(with_values),
        "sammenlignet": format_number(len(compared)),
        "sammenlignbare": share_in_words(len(compared), with_values, "indikator", "indikatorene", "")
                          if with_values else EMPTY,
        "med_retning": format_number(right),
        **{_key(v): format_number(c[v]) for v in VERDICTS},
        "riktig_retning": (share_in_words(c["bedre"], right, "indikator", "indikatorene", "i riktig retning")
                           if right else EMPTY),
    }


def _indicator_variables(dataset: Dataset, ind: Indicator, move: IndicatorMove | None) -> dict[str, str]:
    def fmt(value: float) -> str:
        return format_value(value, ind.decimals, ind.unit)

    out = dict.fromkeys(INDICATOR_KEYS, EMPTY)
    out["navn"] = ind.name
    if ind.target is not None:
        out["maal"] = target_text(ind)
    values = national(dataset, ind.id)
    if values:
        latest = values[-1]
        out.update(siste=fmt(latest.value), siste_tall=format_number(latest.value, ind.decimals),
                   periode=format_period(latest.period))
        met = ind.target_met(latest.value)
        if met is not None:
            out["maal_naadd"] = "nådd" if met else "ikke nådd"
    if move:
        before, now = move.previous.value, move.latest.value
        percent = "prosent" in ind.unit  # a change in a share is in points, never in per cent of it
        out.update(forrige=fmt(before), forrige_periode=format_period(move.previous.period),
                   endring=format_value(abs(now - before), ind.decimals, "prosentpoeng" if percent else ind.unit),
                   retning=move.movement, vurdering=VERDICT_WORDS[move.verdict])
        if not percent and before != 0 and before * now >= 0:
            out["endring_prosent"] = format_value(abs(now - before) / abs(before) * 100, 1, "prosent")
    regions = regional(dataset, ind.id)
    if regions:
        low = min(regions, key=lambda v: (v.value, v.geo))
        high = min(regions, key=lambda v: (-v.value, v.geo))
        out.update(regioner_periode=format_period(low.period), hoyest=fmt(high.value), hoyest_navn=high.geo,
                   lavest=fmt(low.value), lavest_navn=low.geo)
        if ind.target_met(low.value) is not None:
            met = [v.geo for v in sorted(regions, key=lambda v: v.geo) if ind.target_met(v.value)]
            out.update(regioner_naadd=f"{format_number(len(met))} av {format_number(len(regions))}",
                       regioner_naadd_navn=join_and(met) if met else "ingen")
    return {k: inline(v) for k, v in out.items()}


def variables(dataset: Dataset, config: Config) -> dict:
    """The values behind `{{< var KEY >}}`: Norwegian-formatted text, escaped as markdown."""
    year = config.year
    assignments = dataset.assignments_for(year)
    status = dataset.status_for(year)
    indicators = list(dataset.indicators.values())
    moves = {i.id: indicator_move(dataset, i) for i in indicators}  # each indicator's once
    established = sum(s.established for s in status)
    secretariat = sum(s.secretariat for s in status)
    return {
        "aar": str(year),
        "forrige_aar": str(year - 1),
        "dato": format_date(config.date),
        "oppdrag": {
            **_assignment_counts(assignments),
            **{schema.area_slug(area): _assignment_counts([a for a in assignments if a.area == area], "på området")
               for area in schema.AREAS},
        },
        "indikatorer": {
            **_indicator_counts(dataset, indicators, moves),
            **{schema.area_slug(area): _indicator_counts(dataset, [i for i in indicators if i.area == area], moves)
               for area in schema.AREAS},
        },
        "helsefellesskap": {
            "antall": format_number(len(dataset.partnerships)),
            "etablert": format_number(established),
            "ikke_etablert": format_number(len(status) - established),
            "sekretariat": format_number(secretariat),
            "uten_sekretariat": format_number(len(status) - secretariat),
        },
        "indikator": {i.id: _indicator_variables(dataset, i, moves[i.id]) for i in indicators},
        "figur": {i.id: {"tekst": inline(f"{i.name} ({i.unit})")} for i in indicators},
    }
