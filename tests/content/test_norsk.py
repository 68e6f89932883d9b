import datetime as dt

import pytest
from helpers.project import ROOT

from report.content.blocks import appendix7
from report.content.norsk import (
    NBSP,
    counted_sentence,
    dates_in_text,
    format_date,
    format_date_short,
    format_number,
    quotes,
    share_in_words,
)
from report.data.load import load_dataset
from report.data.periods import parse_period


@pytest.mark.parametrize(
    "value, decimals, expected",
    [(16000, 0, f"16{NBSP}000"), (49.6, 1, "49,6"), (-3, 0, "−3"), (9_700_000, 0, f"9{NBSP}700{NBSP}000"), (0.125, 2, "0,12")],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


def test_format_dates():
    assert format_date(dt.date(2022, 10, 19)) == "19. oktober 2022"
    assert format_date_short(dt.date(2022, 9, 5)) == "05.09.2022"


@pytest.mark.parametrize(
    "text, kind, start, end, label",
    [
        ("2022", "year", dt.date(2022, 1, 1), dt.date(2022, 12, 31), "2022"),
        ("2022 T1", "tertial", dt.date(2022, 1, 1), dt.date(2022, 4, 30), "2022 T1"),
        ("2022t3", "tertial", dt.date(2022, 9, 1), dt.date(2022, 12, 31), "2022 T3"),
        ("2022 H1", "half", dt.date(2022, 1, 1), dt.date(2022, 6, 30), "2022 H1"),
        ("2022-09", "month", dt.date(2022, 9, 1), dt.date(2022, 9, 30), "2022-09"),
        ("2019-2021", "span", dt.date(2019, 1, 1), dt.date(2021, 12, 31), "2019–2021"),
        ("15.09.2022", "date", dt.date(2022, 9, 15), dt.date(2022, 9, 15), "15.09.2022"),
        ("2022-05-01", "date", dt.date(2022, 5, 1), dt.date(2022, 5, 1), "01.05.2022"),
    ],
)
def test_parse_period(text, kind, start, end, label):
    p = parse_period(text)
    assert (p.kind, p.start, p.end, p.label) == (kind, start, end, label)


@pytest.mark.parametrize("text", ["", "x", "2022 T4", "2021–2019", "31.02.2022", "2022-13"])
def test_parse_period_rejects(text):
    assert parse_period(text) is None


def test_periods_sort_by_end():
    labels = ["2022", "2022 T1", "2021", "2022 H1", "2019-2021"]
    ordered = sorted((parse_period(t) for t in labels), key=lambda p: p.sort_key)
    assert [p.label for p in ordered] == ["2019–2021", "2021", "2022 T1", "2022 H1", "2022"]


@pytest.mark.parametrize("text, expected", [
    ("2022", "2022"), ("2022 T1", "1. tertial 2022"), ("2021 T3", "3. tertial 2021"), ("2022 H2", "2. halvår 2022"),
    ("2022 K4", "4. kvartal 2022"), ("2022-03", "mars 2022"), ("01.05.2022", "1. mai 2022"), ("2019-2021", "2019–2021"),
])
def test_format_period_as_prose_writes_it(text, expected):
    from report.content.norsk import format_period

    assert format_period(parse_period(text)) == expected


@pytest.mark.parametrize("typed, set_", [
    ("delprosjektet 'Styringsinformasjon og kvalitetsindikatorer' og", "delprosjektet «Styringsinformasjon og kvalitetsindikatorer» og"),
    ('Hun sa "det \'gamle\' navnet" og \'x\'.', "Hun sa «det ‘gamle’ navnet» og «x»."),
    ("“Digi-Hjem” (fra Word)", "«Digi-Hjem» (fra Word)"),
    ("Helse Nord's plan", "Helse Nord's plan"),  # an apostrophe is not a quotation mark
    ('5\' og 3" lange', '5\' og 3" lange'),  # nor are feet and inches
    ('et " alene', 'et " alene'),
])
def test_quotation_marks_from_the_workbooks_are_set_as_bokmal_does(typed, set_):
    assert quotes(typed) == set_


def test_the_appendix_prints_the_departments_quotes_as_guillemets():
    dataset, _ = load_dataset(ROOT / "data")
    text = appendix7(dataset, 2022)
    assert "«Styringsinformasjon" in text  # the cell wraps lines; the marks are what matter
    assert "'Styringsinformasjon" not in text


@pytest.mark.parametrize("typed, set_", [
    ("neste partnerskapsmøte 2022-06-08.", "neste partnerskapsmøte 8. juni 2022."),
    ("Ikke formelt etablert per 2022-09-01, samhandlingssjef", "Ikke formelt etablert per 1. september 2022, samhandlingssjef"),
    ("TB2022-44 og saksnummer 2022-13-01", "TB2022-44 og saksnummer 2022-13-01"),  # not dates
])
def test_iso_dates_in_running_text_are_written_out(typed, set_):
    assert dates_in_text(typed) == set_


@pytest.mark.parametrize("counts, sentence", [
    ([(1, "i rute"), (1, "forsinket"), (1, "levert")], "Av de tre oppdragene på området er ett i rute, ett forsinket og ett levert."),
    ([(0, "i rute"), (2, "levert")], "Begge oppdragene på området er levert."),
    ([(1, "levert")], "Det ene oppdraget på området er levert."),
    ([(3, "levert"), (0, "i rute")], "Alle de tre oppdragene på området er levert."),
    ([(1, "ikke startet"), (7, "i rute"), (2, "forsinket"), (7, "levert"), (1, "avsluttet")],
     "Av de 18 oppdragene på området er 1 ikke startet, 7 i rute, 2 forsinket, 7 levert og 1 avsluttet."),
])
def test_a_count_sentence_names_only_what_there_is_and_never_zero(counts, sentence):
    assert counted_sentence(counts, ("oppdraget", "oppdragene", "n"), "er", "på området") == sentence


@pytest.mark.parametrize("part, whole, phrase", [
    (1, 3, "én av tre indikatorer i riktig retning"), (0, 3, "ingen av de tre indikatorene i riktig retning"),
    (2, 2, "begge indikatorene i riktig retning"), (3, 3, "alle de tre indikatorene i riktig retning"),
    (1, 1, "den ene indikatoren i riktig retning"), (3, 14, "3 av 14 indikatorer i riktig retning"),
])
def test_a_share_is_said_in_words_and_never_0_of_n(part, whole, phrase):
    assert share_in_words(part, whole, "indikator", "indikatorene", "i riktig retning") == phrase
