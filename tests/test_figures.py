import xml.etree.ElementTree as ET

import pytest

from report import palette
from report.figures import render_indicator_figure
from report.model import Indicator, IndicatorValue
from report.periods import parse_period


def _ind(target=35.0, direction="lavere er bedre", name="Gjennomsnittlig ventetid", unit="døgn"):
    return Indicator("A10", name, unit, "psykisk helse", "NPR", target, direction, 1)


def _values(pairs, geo="Norge", level="land", source=""):
    return [IndicatorValue("A10", parse_period(p), level, geo, v, source=source) for p, v in pairs]


SERIES = [("2019", 44.6), ("2020", 44.1), ("2021", 49.6)]


def test_line_chart_files_alt_text_and_norwegian_numbers(tmp_path):
    fig = render_indicator_figure(_ind(), _values(SERIES), tmp_path)
    assert fig.png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = fig.svg.read_text(encoding="utf-8")
    ET.fromstring(svg)
    assert "Norge 49,6" in svg or "49,6" in svg
    assert fig.source_line == "Kilde: NPR."
    assert fig.alt_text == (
        "Linjediagram over gjennomsnittlig ventetid, i døgn, for Norge fra 2019 til 2021. "
        "Siste verdi for Norge (2021) er 49,6\u00a0døgn, over målet på 35,0\u00a0døgn (målet er ikke nådd)."
    )


def test_target_met_when_higher_is_better(tmp_path):
    fig = render_indicator_figure(_ind(target=80.0, direction="høyere er bedre", name="Andel vurdert", unit="prosent"),
                                  _values([("2021 T1", 78.0), ("2021 T2", 80.4)]), tmp_path)
    assert fig.alt_text.endswith("Siste verdi for Norge (2021 T2) er 80,4\u00a0%, over målet på 80,0\u00a0% (målet er nådd).")


def test_one_period_across_regions_is_a_bar_chart(tmp_path):
    values = _values([("2022 T1", 10.2)], "Helse Vest", "RHF") + _values([("2022 T1", 15.8)], "Helse Nord", "RHF")
    fig = render_indicator_figure(_ind(target=None), values, tmp_path)
    assert fig.alt_text.startswith("Stolpediagram over gjennomsnittlig ventetid, i døgn, for Helse Nord og Helse Vest for 2022 T1.")


def _many(periods, count, level="helsefellesskap", noun="Helsefellesskap"):
    values = _values([(p, 40.0) for p in periods])
    for k in range(count):
        values += _values([(p, 30.0 + k) for p in periods], f"{noun} {k:02d}", level)
    return values


def test_many_geographies_over_time_show_norge_lowest_and_highest_and_say_so(tmp_path):
    fig = render_indicator_figure(_ind(), _many(["2020", "2021", "2022"], 19), tmp_path)
    assert fig.alt_text.startswith("Linjediagram over gjennomsnittlig ventetid, i døgn, for Norge, Helsefellesskap 00, "
                                   "Helsefellesskap 01, Helsefellesskap 16, Helsefellesskap 17 og Helsefellesskap 18 ")
    note = "Figuren viser Norge og de 2 laveste og 3 høyeste av 19 helsefellesskap etter siste verdi."
    assert fig.alt_text.endswith(note)


def test_one_period_across_many_kommuner_is_a_bar_chart_of_the_extremes(tmp_path):
    fig = render_indicator_figure(_ind(), _many(["2022"], 356, "kommune", "Kommune"), tmp_path)
    assert "for 24 geografier for 2022" in fig.alt_text
    assert "Lavest er Kommune 00 med 30,0\u00a0døgn, høyest er Kommune 355 med 385,0\u00a0døgn." in fig.alt_text
    assert fig.alt_text.endswith("Figuren viser Norge og de 11 laveste og 12 høyeste av 356 kommuner etter siste verdi.")


def test_illustrative_values_are_marked_in_the_source_line(tmp_path):
    values = _values(SERIES[:2]) + _values([("2021", 49.6)], source="illustrativ (eksempeldata)")
    fig = render_indicator_figure(_ind(), values, tmp_path)
    assert fig.source_line == "Kilde: NPR. Tall merket illustrativ er eksempeldata."


def test_rerender_is_byte_identical(tmp_path):
    a = render_indicator_figure(_ind(), _values(SERIES), tmp_path / "a")
    b = render_indicator_figure(_ind(), _values(SERIES), tmp_path / "b")
    assert a.svg.read_bytes() == b.svg.read_bytes()
    assert a.png.read_bytes() == b.png.read_bytes()


def test_text_from_the_data_is_literal(tmp_path):
    values = _values(SERIES, geo="$x$ <script>&")
    fig = render_indicator_figure(_ind(), values, tmp_path)
    ET.fromstring(fig.svg.read_text(encoding="utf-8"))  # still valid XML
    assert "$x$ <script>&" in fig.alt_text


def _luminance(hex_colour):
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


@pytest.mark.parametrize("colour", palette.SERIES + [palette.TARGET])
def test_series_colours_keep_3_to_1_contrast_against_white(colour):
    assert (1.05) / (_luminance(colour) + 0.05) >= 3.0


@pytest.mark.parametrize("fill", list(palette.COLOUR_FILLS.values()) + list(palette.STATUS_FILLS.values()))
def test_cell_fills_keep_black_text_readable(fill):
    assert (_luminance(fill) + 0.05) / (_luminance(palette.TEXT) + 0.05) >= 4.5
