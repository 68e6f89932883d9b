import datetime as dt

import pytest

from report.content.changes import assignment_changes, count_verdicts, indicator_moves
from report.data.model import Assignment, Dataset, Indicator, IndicatorValue
from report.data.periods import parse_period


def _a(id, year, status, colour=None):
    return Assignment(id=id, year=year, title=f"Oppdrag {id}", area="samhandling", type="opprinnelig",
                      deadline=dt.date(2023, 1, 1), status=status, colour=colour, trend=None,
                      responsible="Avdeling A")


def test_assignment_changes_since_last_year():
    ds = Dataset(assignments=[
        _a("SAM-01", 2021, "I rute", "grønn"), _a("SAM-01", 2022, "Levert", "grønn"),
        _a("SAM-02", 2021, "I rute", "gul"), _a("SAM-02", 2022, "Forsinket", "rød"),
        _a("SAM-03", 2021, "Levert"), _a("SAM-03", 2022, "Levert"),
        _a("SAM-04", 2022, "Ikke startet"),
    ])
    ch = assignment_changes(ds, 2022)
    assert [a.id for a in ch.new] == ["SAM-04"]
    assert [(a.id, old) for a, old in ch.done] == [("SAM-01", "I rute")]
    assert [(a.id, f, t) for a, f, t in ch.status] == [("SAM-02", "I rute", "Forsinket")]
    assert [(a.id, f, t) for a, f, t in ch.colour] == [("SAM-02", "gul", "rød")]


def _ind(id, direction):
    return Indicator(id=id, name=f"Indikator {id}", unit="prosent", area="akuttmedisin", source="NPR",
                     target=None, direction=direction, decimals=1)


def _v(id, period, value, level="land"):
    return IndicatorValue(indicator_id=id, period=parse_period(period), geo_level=level, geo="Norge", value=value)


def test_indicator_moves_use_direction_and_latest_two_national_periods():
    ds = Dataset(
        indicators={"UP": _ind("UP", "høyere er bedre"), "DOWN": _ind("DOWN", "lavere er bedre"),
                    "ONE": _ind("ONE", "høyere er bedre")},
        values=[_v("UP", "2022", 60), _v("UP", "2020", 70), _v("UP", "2021", 50), _v("UP", "2022", 99, "RHF"),
                _v("DOWN", "2021", 40), _v("DOWN", "2022", 40), _v("ONE", "2022", 1)],
    )
    moves = {m.indicator.id: m for m in indicator_moves(ds)}
    assert set(moves) == {"UP", "DOWN"}
    assert (moves["UP"].previous.value, moves["UP"].latest.value, moves["UP"].verdict) == (50, 60, "bedre")
    assert (moves["DOWN"].movement, moves["DOWN"].verdict) == ("uendret", "uendret")
    worse = indicator_moves(Dataset(indicators={"D": _ind("D", "lavere er bedre")},
                                    values=[_v("D", "2021", 1), _v("D", "2022", 2)]))
    assert (worse[0].movement, worse[0].verdict) == ("økte", "verre")


@pytest.mark.parametrize("values", [(32, 7), (7, 32)])
def test_an_indicator_without_desired_direction_is_never_better_or_worse(values):
    """I03 in the sample: the number of indicators was cut on purpose."""
    ds = Dataset(indicators={"I03": _ind("I03", "ingen")},
                 values=[_v("I03", "2021", values[0]), _v("I03", "2022", values[1])])
    [move] = indicator_moves(ds)
    assert move.verdict == "uten retning"
    assert move.movement == ("sank" if values[0] > values[1] else "økte")
    counts = count_verdicts([move])
    assert (counts["bedre"], counts["verre"], counts["uten retning"], counts["med_retning"]) == (0, 0, 1, 0)
