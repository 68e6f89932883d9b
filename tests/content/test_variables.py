"""The variables chapters use for numbers: counts that add up, indicator changes in bokmål."""

import pytest
from helpers.project import ROOT

from report.content.blocks import EMPTY
from report.content.norsk import NBSP
from report.content.references import flatten
from report.content.variables import variables
from report.data.config import load_config
from report.data.load import load_dataset
from report.data.model import Dataset, Indicator, IndicatorValue
from report.data.periods import parse_period


@pytest.fixture(scope="module")
def sample():
    config = load_config(ROOT)
    dataset, problems = load_dataset(config.data_dir)
    assert problems.errors == []
    return variables(dataset, config)


def _int(text: str) -> int:
    return int(text.replace(NBSP, ""))


def test_assignment_counts_by_status_and_by_colour_add_up_per_area_and_in_total(sample):
    statuses = ["levert", "i_rute", "forsinket", "ikke_startet", "avsluttet"]
    colours = ["gronn", "gul", "rod", "uten_farge"]
    counts = sample["oppdrag"]
    assert (counts["antall"], counts["levert"], counts["i_rute"], counts["ikke_startet"], counts["avsluttet"]) == (
        "18", "7", "7", "1", "1")
    areas = [k for k, v in counts.items() if isinstance(v, dict)]
    assert len(areas) == 8
    for part in [counts] + [counts[a] for a in areas]:
        assert sum(_int(part[s]) for s in statuses) == _int(part["antall"])
        assert sum(_int(part[c]) for c in colours) == _int(part["antall"])
    assert sum(_int(counts[a]["antall"]) for a in areas) == 18


def test_indicator_change_in_bokmal(sample):
    a10 = sample["indikator"]["A10"]
    assert (a10["siste"], a10["periode"], a10["forrige"], a10["forrige_periode"]) == (
        f"49\\,6{NBSP}døgn", "2021", f"44\\,1{NBSP}døgn", "2020")
    assert (a10["endring"], a10["endring_prosent"], a10["retning"], a10["vurdering"]) == (
        f"5\\,5{NBSP}døgn", f"12\\,5{NBSP}\\%", "økte", "verre")
    assert (a10["maal"], a10["maal_naadd"]) == (f"35{NBSP}døgn", "ikke nådd")
    # a share changes in percentage points, never in per cent of itself
    c02 = sample["indikator"]["C02"]
    assert (c02["endring"], c02["endring_prosent"], c02["maal_naadd"]) == (
        f"0\\,3{NBSP}prosentpoeng", EMPTY, "nådd")
    b01 = sample["indikator"]["B01"]
    assert (b01["siste"], b01["endring"]) == (f"9{NBSP}700{NBSP}000{NBSP}kr", f"200{NBSP}000{NBSP}kr")
    # Norwegian dates and months for periods
    a31 = sample["indikator"]["A31"]
    assert (a31["periode"], a31["forrige_periode"], a31["retning"]) == ("1\\. mai 2022", "mars 2022", "økte")


def test_regional_highest_lowest_and_target_met(sample):
    a15 = sample["indikator"]["A15"]
    assert a15["siste"] == EMPTY  # no national value: a chapter asking for it gets a warning
    assert (a15["regioner_periode"], a15["hoyest"], a15["hoyest_navn"]) == (
        "1\\. tertial 2022", f"15\\,8{NBSP}\\%", "Helse Midt\\-Norge")
    assert (a15["lavest"], a15["lavest_navn"]) == (f"10\\,2{NBSP}\\%", "Helse Vest")
    assert (a15["regioner_naadd"], a15["regioner_naadd_navn"]) == ("1 av 4", "Helse Midt\\-Norge")


def test_an_indicator_cut_on_purpose_is_never_reported_worse(sample):
    i03 = sample["indikator"]["I03"]
    assert (i03["retning"], i03["vurdering"]) == ("sank", "ingen ønsket retning")
    fin = sample["indikatorer"]["finansiering"]
    assert (fin["sammenlignet"], fin["uten_retning"], fin["verre"]) == ("2", "1", "0")
    assert fin["riktig_retning"] == "den ene indikatoren i riktig retning"


def _ind(id, area, direction="høyere er bedre", target=None):
    return Indicator(id, f"Indikator {id}", "antall", area, "NPR", target, direction, 0)


def _v(id, period, value, level="land", geo="Norge"):
    return IndicatorValue(id, parse_period(period), level, geo, value)


def test_x_of_y_indicators_in_the_right_direction_per_area():
    ds = Dataset(
        indicators={i.id: i for i in [_ind("UP", "teknologi"), _ind("DOWN", "teknologi", "lavere er bedre"),
                                      _ind("SAME", "teknologi"), _ind("NONE", "teknologi", "ingen"),
                                      _ind("ONE", "teknologi")]},
        values=[_v("UP", "2021", 1), _v("UP", "2022", 2), _v("DOWN", "2021", 1), _v("DOWN", "2022", 2),
                _v("SAME", "2021", 5), _v("SAME", "2022", 5), _v("NONE", "2021", 9), _v("NONE", "2022", 1),
                _v("ONE", "2022", 3)],
    )
    tek = variables(ds, load_config(ROOT))["indikatorer"]["teknologi"]
    assert tek["riktig_retning"] == "én av tre indikatorer i riktig retning"
    assert (tek["med_verdier"], tek["sammenlignet"], tek["bedre"], tek["verre"], tek["uendret"],
            tek["uten_retning"]) == ("5", "4", "1", "1", "1", "1")
    assert variables(ds, load_config(ROOT))["indikatorer"]["akuttmedisin"]["riktig_retning"] == EMPTY


def test_every_indicator_has_the_same_names(sample):
    names = {frozenset(v) for v in sample["indikator"].values()}
    assert len(names) == 1
    assert all(isinstance(v, str) for v in flatten(sample).values())
