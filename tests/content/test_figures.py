import re
import xml.etree.ElementTree as ET

import pypandoc
import pytest
from helpers.commands import rapport

from report.content import palette
from report.content.blocks import figure_block
from report.content.figures import render_indicator_figure
from report.content.norsk import axis_label
from report.data.model import Indicator, IndicatorValue
from report.data.periods import parse_period


def _ind(target=35.0, direction="lavere er bedre", name="Gjennomsnittlig ventetid", unit="døgn"):
    return Indicator("A10", name, unit, "psykisk helse", "NPR", target, direction, 1)


def _values(pairs, geo="Norge", level="land", source=""):
    return [IndicatorValue("A10", parse_period(p), level, geo, v, source=source) for p, v in pairs]


SERIES = [("2019", 44.6), ("2020", 44.1), ("2021", 49.6)]
PHONE_COLUMN_PX = 342  # the text column at 390 px (Quarto's theme)
SMALL_TEXT_PX = 14  # the page's small text (.875 × 16 px)


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
    assert fig.alt_text.endswith("Siste verdi for Norge (2. tertial 2021) er 80,4\u00a0%, over målet på 80,0\u00a0% (målet er nådd).")


def test_one_period_across_regions_is_a_bar_chart(tmp_path):
    values = _values([("2022 T1", 10.2)], "Helse Vest", "RHF") + _values([("2022 T1", 15.8)], "Helse Nord", "RHF")
    fig = render_indicator_figure(_ind(target=None), values, tmp_path)
    assert fig.alt_text.startswith("Stolpediagram over gjennomsnittlig ventetid, i døgn, for Helse Nord og Helse Vest for 1. tertial 2022.")


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
    assert fig.note.startswith(note)
    assert note not in fig.alt_text  # said once, in the text under the figure


def test_one_period_across_many_kommuner_is_a_bar_chart_of_the_extremes(tmp_path):
    fig = render_indicator_figure(_ind(), _many(["2022"], 356, "kommune", "Kommune"), tmp_path)
    assert "for 24 geografier for 2022" in fig.alt_text
    assert "Lavest er Kommune 00 med 30,0\u00a0døgn, høyest er Kommune 355 med 385,0\u00a0døgn." in fig.alt_text
    assert fig.note == "Figuren viser Norge og de 11 laveste og 12 høyeste av 356 kommuner etter siste verdi."


def test_illustrative_values_are_named_in_the_source_line(tmp_path):
    values = _values(SERIES[:1]) + _values(SERIES[1:], source="illustrativ (eksempeldata)")
    fig = render_indicator_figure(_ind(), values, tmp_path)
    assert fig.source_line == "Kilde: NPR. Tall for 2020 og 2021 er illustrative (eksempeldata)."
    fig = render_indicator_figure(_ind(), _values(SERIES, source="illustrativ (eksempeldata)"), tmp_path)
    assert fig.source_line == "Kilde: NPR. Alle tallene er illustrative (eksempeldata)."
    months = _values([("2021-06", 40.0)]) + _values([("2021-09", 41.0), ("2021-12", 42.0)],
                                                      source="illustrativ (eksempeldata)")
    fig = render_indicator_figure(_ind(), months, tmp_path)
    assert fig.source_line == "Kilde: NPR. Tall for september 2021 og desember 2021 er illustrative (eksempeldata)."


def _glyph_sizes_px(svg: str) -> set[float]:
    """The size of every letter in a figure as drawn at its own size (DejaVu's glyphs are drawn at
    `scale(size in pt / 100)`), in CSS px."""
    return {float(m) * 100 * 4 / 3 for m in re.findall(r"scale\((0\.\d+) -0\.\d+\)", svg)}


def test_a_phone_version_fits_a_phone_with_text_as_large_as_the_pages_small_text(tmp_path):
    fig = render_indicator_figure(_ind(), _values(SERIES), tmp_path)
    assert fig.phone_svg == tmp_path / "A10-smal.svg"
    phone, page = fig.phone_svg.read_text(encoding="utf-8"), fig.svg.read_text(encoding="utf-8")
    width_px = float(re.search(r'<svg [^>]*width="([\d.]+)pt"', phone)[1]) * 4 / 3
    shown = min(1.0, PHONE_COLUMN_PX / width_px)  # scaled down to the column if wider
    assert min(_glyph_sizes_px(phone)) * shown >= SMALL_TEXT_PX
    page_width_px = float(re.search(r'<svg [^>]*width="([\d.]+)pt"', page)[1]) * 4 / 3
    assert min(_glyph_sizes_px(page)) * PHONE_COLUMN_PX / page_width_px < 7, "the page's figure on a phone"
    for text in ("Norge 49,6", "Mål: 35,0", "døgn"):
        assert text in phone


def test_rerender_is_byte_identical(tmp_path):
    a = render_indicator_figure(_ind(), _values(SERIES), tmp_path / "a")
    b = render_indicator_figure(_ind(), _values(SERIES), tmp_path / "b")
    assert a.svg.read_bytes() == b.svg.read_bytes()
    assert a.png.read_bytes() == b.png.read_bytes()
    assert a.phone_svg.read_bytes() == b.phone_svg.read_bytes()


def test_text_from_the_data_is_literal(tmp_path):
    values = _values(SERIES, geo="$x$ <script>&")
    fig = render_indicator_figure(_ind(), values, tmp_path)
    ET.fromstring(fig.svg.read_text(encoding="utf-8"))  # still valid XML
    assert "$x$ <script>&" in fig.alt_text


SVG = "{http://www.w3.org/2000/svg}"


def _svg(path):
    """The SVG's root with the comments matplotlib writes before each text it draws as paths."""
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    return ET.fromstring(path.read_text(encoding="utf-8"), parser=parser)


def _texts(root) -> list[str]:
    return [node.text.strip() for node in root.iter() if node.tag is ET.Comment]


def _ticks(root, axis) -> list[tuple[float, str | None]]:
    """(position in pt, label or None when hidden) of each tick on the x or y axis, in order."""
    ticks = []
    for group in root.iter(f"{SVG}g"):
        if group.get("id", "").startswith(f"{axis}tick_"):
            mark = next(group.iter(f"{SVG}use"))
            ticks.append((float(mark.get(axis)), next(iter(_texts(group)), None)))
    return ticks


def _under_the_figure(fig) -> str:
    """The text a reader sees below the image, from the generated block."""
    text = pypandoc.convert_text(figure_block(fig, "figurer"), "plain", format="markdown", extra_args=["--wrap=none"])
    return text.strip().splitlines()[-1]


def test_source_line_and_note_are_text_under_the_figure_not_in_the_image(tmp_path):
    values = _many(["2020", "2021"], 19)
    values += _values([("2022", 41.0)], source="illustrativ (eksempeldata)")
    fig = render_indicator_figure(_ind(), values, tmp_path)
    drawn = " ".join(_texts(_svg(fig.svg)))
    assert "Norge 41,0" in drawn
    for words in ("Kilde", "NPR", "illustrativ", "Figuren viser"):
        assert words not in drawn
    assert _under_the_figure(fig) == (
        "Figuren viser Norge og de 2 laveste og 3 høyeste av 19 helsefellesskap etter siste verdi. "
        "Verdiaksen starter på 25,0\u00a0døgn, ikke på null. Kilde: NPR. Tall for 2022 er illustrative (eksempeldata)."
    )
    assert "Kilde" not in fig.alt_text


@pytest.mark.parametrize("text, middle", [
    ("2022", 2022.5), ("2022 T1", 2022 + 60 / 365), ("2022 H1", 2022 + 90.5 / 365),
    ("2022-09", 2022 + 258 / 365), ("15.09.2022", 2022 + 257.5 / 365), ("2019–2021", 2020.5),
])
def test_each_form_of_period_sits_at_its_midpoint(text, middle):
    assert parse_period(text).midpoint == pytest.approx(middle)


def test_time_is_spaced_as_time_and_labelled_as_written(tmp_path):
    fig = render_indicator_figure(_ind(), _values([("2013", 58.0), ("2019", 57.0), ("2021", 55.0)]), tmp_path)
    (x13, a), (x19, b), (x21, c) = _ticks(_svg(fig.svg), "x")
    assert (a, b, c) == ("2013", "2019", "2021")
    assert (x19 - x13) / (x21 - x19) == pytest.approx(3, rel=1e-3)

    periods = ["2021 T3", "2022 H1", "2022-09", "15.12.2022"]
    fig = render_indicator_figure(_ind(), _values([(p, 40.0 + n) for n, p in enumerate(periods)]), tmp_path)
    ticks = _ticks(_svg(fig.svg), "x")
    middles = [parse_period(p).midpoint for p in periods]
    scale = (ticks[-1][0] - ticks[0][0]) / (middles[-1] - middles[0])
    assert [(x - ticks[0][0]) / scale + middles[0] for x, _ in ticks] == pytest.approx(middles, abs=1e-3)


def test_crowded_period_labels_are_thinned_keeping_the_latest(tmp_path):
    months = [f"{y}-{m:02d}" for y in (2020, 2021, 2022) for m in range(1, 13)]
    fig = render_indicator_figure(_ind(), _values([(p, 40.0 + n % 5) for n, p in enumerate(months)]), tmp_path)
    ticks = _ticks(_svg(fig.svg), "x")
    assert len(ticks) == 36
    shown = [(x, label) for x, label in ticks if label]
    assert 3 < len(shown) < 36 and shown[-1][1] == "des. 2022"  # a month as words, never 2022-12
    words = [axis_label(parse_period(m)) for m in months]
    assert all(label in words for _, label in shown)
    assert min(b[0] - a[0] for a, b in zip(shown, shown[1:])) >= 40  # a label «feb. 2020» is about 40 pt wide


def test_bars_start_at_zero(tmp_path):
    values = _values([("2022", 40.0)]) + _values([("2022", 44.0)], "Helse Nord", "RHF")
    fig = render_indicator_figure(_ind(), values, tmp_path)
    assert _ticks(_svg(fig.svg), "x")[0][1] == "0,0"


def test_a_line_starts_at_zero_when_the_data_fill_half_the_height_from_there(tmp_path):
    fig = render_indicator_figure(_ind(target=None), _values([("2020", 12.0), ("2021", 30.0)]), tmp_path)
    assert _ticks(_svg(fig.svg), "y")[0][1] == "0,0"
    assert fig.note == ""


def test_a_line_far_from_zero_has_a_cut_axis_and_says_so(tmp_path):
    values = _values([("2013", 58.0), ("2019", 57.0), ("2021", 55.0)], source="illustrativ (eksempeldata)")
    fig = render_indicator_figure(_ind(target=None, unit="prosent"), values, tmp_path)
    assert fig.note == "Verdiaksen starter på 54,0\u00a0%, ikke på null."
    assert _ticks(_svg(fig.svg), "y")[0][1] == "54,0"
    assert _under_the_figure(fig) == ("Verdiaksen starter på 54,0\u00a0%, ikke på null. "
                                      "Kilde: NPR. Alle tallene er illustrative (eksempeldata).")


def test_generer_writes_the_sample_figures_with_the_source_once_and_years_spaced_as_time(project):
    result = rapport(project, "generer")
    assert result.returncode == 0, result.stderr
    figures = project / "_generert" / "figurer"
    for svg in figures.glob("*.svg"):
        assert not any("Kilde" in t for t in _texts(_svg(svg))), svg.name
    block = (project / "_generert" / "blokker" / "figur-B14.md").read_text(encoding="utf-8")
    assert block.count("Kilde") == 1
    (x13, _), (x19, _), (x21, _) = _ticks(_svg(figures / "B14.svg"), "x")  # the sample's 2013, 2019, 2021
    assert (x19 - x13) / (x21 - x19) == pytest.approx(3, rel=1e-3)


@pytest.mark.parametrize("colour", palette.SERIES + [palette.TARGET])
def test_series_colours_keep_3_to_1_contrast_against_white(colour):
    assert palette.contrast(colour, "#FFFFFF") >= 3.0


@pytest.mark.parametrize("fill", list(palette.COLOUR_FILLS.values()) + list(palette.STATUS_FILLS.values()))
def test_cell_fills_keep_black_text_readable(fill):
    assert palette.contrast(fill, palette.TEXT) >= 4.5
