import datetime as dt

import openpyxl
import pytest
from helpers.project import ROOT
from helpers.workbook_factory import add_sheet, assignment, edit, rewrite_member, sheet_member, valid_rows, write_data

from report.data.load import load_dataset
from report.data.problems import Level


def _messages(folder, level=Level.ERROR):
    _, problems = load_dataset(folder)
    return [str(p) for p in problems.items if p.level is level]


def test_valid_workbooks_load_to_typed_records(tmp_path):
    ds, problems = load_dataset(write_data(tmp_path))
    assert problems.items == []
    a = ds.assignments[0]
    assert (a.id, a.year, a.deadline, a.estimated_completion) == ("SAM-01", 2022, dt.date(2022, 9, 15), "1. kvartal 2023")
    assert a.status_text == "Rapport levert.\n- punkt en\n- punkt to"
    assert ds.indicators["C02"].target == 80.0
    assert [v.period.label for v in ds.values_for("C02")] == ["2021 T1", "2022"]
    assert ds.partnership_status[0].established is True


def test_sample_data_passes(tmp_path):
    ds, problems = load_dataset(ROOT / "data")
    assert problems.errors == []
    areas = {a.area for a in ds.assignments_for(2022)}
    assert len(areas) == 8
    assert len(ds.partnerships) == 19


def test_invalid_colour_names_cell_value_and_choices(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", H3="grnn")
    assert _messages(tmp_path) == ["oppdrag.xlsx › Oppdrag › H3: «grnn» er ikke en gyldig farge (grønn, gul, rød). "
                                   "Mente du «grønn»?"]



@pytest.mark.parametrize("value, rest", [("Levert (avsluttet etter kartlegging)", "(avsluttet etter kartlegging)"),
                                         ("Levert – oppfølging nevnt under", "oppfølging nevnt under"),
                                         ("i rute; frist 15. september", "frist 15. september")])
def test_a_status_with_more_words_says_what_to_write_and_where_the_rest_goes(tmp_path, value, rest):
    """The 2022 report's overview wrote statuses with more words; each is one of the statuses."""
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", G2=value)
    normal = "I rute" if value.startswith("i rute") else "Levert"
    assert _messages(tmp_path) == [f"oppdrag.xlsx › Oppdrag › G2: «{value}» er ikke en gyldig status (Ikke startet, "
                                   f"I rute, Forsinket, Levert, Avsluttet). Skriv bare «{normal}» her, og resten "
                                   f"(«{rest}») i en av tekstkolonnene"]


def test_case_and_spaces_are_normalised_with_a_warning(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", G2="  levert ")
    ds, problems = load_dataset(tmp_path)
    assert problems.errors == []
    assert ds.assignments[0].status == "Levert"
    assert [str(p) for p in problems.warnings] == ["oppdrag.xlsx › Oppdrag › G2: «levert» er lest som «Levert»"]


def test_every_problem_is_reported_at_once(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", C2=None, D3="tannhelse", B3="i fjor")
    assert _messages(tmp_path) == [
        "oppdrag.xlsx › Oppdrag › C2: «Tittel» må fylles ut",
        "oppdrag.xlsx › Oppdrag › B3: «i fjor» er ikke et tall",
        "oppdrag.xlsx › Oppdrag › D3: «tannhelse» er ikke et gyldig område (samhandling, helsefellesskap, "
        "pasienten som aktiv deltaker, psykisk helse, akuttmedisin, teknologi, kompetanse, finansiering)",
    ]


def test_missing_unknown_and_duplicate_columns(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", I1="Status", T1="Kommentar")
    msgs = _messages(tmp_path)
    assert "oppdrag.xlsx › Oppdrag › I1: kolonnen «Status» finnes to ganger (også i G1)" in msgs
    assert any(m.startswith("oppdrag.xlsx › Oppdrag › T1: ukjent kolonne «Kommentar»") for m in msgs)
    assert "oppdrag.xlsx › Oppdrag › rad 1: kolonnen «Trend» mangler" in msgs


def test_a_workbook_made_before_a_column_was_added_still_loads(tmp_path):
    """Last year's helsefellesskap.xlsx has no SSU, FSU or Nettside column: warned, not refused."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("oppdrag.xlsx", "indikatorer.xlsx", "helsefellesskap.xlsx"):
        (folder / name).write_bytes((ROOT / "data" / name).read_bytes())
    wb = openpyxl.load_workbook(folder / "helsefellesskap.xlsx")
    ws = wb["Status"]
    for header in ("Nettside", "Faglige samarbeidsutvalg", "Strategisk samarbeidsutvalg"):
        ws.delete_cols(next(c.column for c in ws[1] if c.value == header))
    wb.save(folder / "helsefellesskap.xlsx")
    ds, problems = load_dataset(folder)
    assert problems.errors == []
    warnings = [str(p) for p in problems.warnings]
    assert any("kolonnen «Nettside» mangler (den er ny i år)" in w for w in warnings)
    assert ds.partnership_status and all(s.website is None for s in ds.partnership_status)


def test_duplicate_id_within_a_year(tmp_path):
    rows = valid_rows()
    rows["Oppdrag"].append(assignment(title="Kopi"))
    rows["Oppdrag"].append(assignment(year=2021))  # same ID another year is fine
    write_data(tmp_path, rows)
    assert _messages(tmp_path) == ["oppdrag.xlsx › Oppdrag › A4: ID «SAM-01» finnes flere ganger for 2022 (også i A2)"]


def test_deliveries_share_an_id_and_year_and_must_be_told_apart(tmp_path):
    rows = valid_rows()
    rows["Oppdrag"] += [assignment(part="Video", status="Forsinket"), assignment(part="Råd og veiledning"),
                        assignment(part="Video"), assignment(id="SAM-02", title="Veileder", part="x" * 101)]
    write_data(tmp_path, rows)
    assert _messages(tmp_path) == [
        "oppdrag.xlsx › Oppdrag › A6: ID «SAM-01» finnes flere ganger for 2022 med delleveransen «Video» (også i A4)",
        "oppdrag.xlsx › Oppdrag › T7: «Delleveranse» har 101 tegn; høyst 100 tegn er lov her. Skriv et kortere navn",
    ]
    rows["Oppdrag"] = rows["Oppdrag"][:4]
    write_data(tmp_path, rows)
    ds, problems = load_dataset(tmp_path)
    assert problems.errors == []
    assert [a.key for a in ds.rows_for(2022)] == ["SAM-01", "SAM-02", "SAM-01 – Video", "SAM-01 – Råd og veiledning"]
    assert [a.key for a in ds.assignments_for(2022)] == ["SAM-01", "SAM-02"]  # each assignment once
    assert [a.key for a in ds.deliveries(ds.assignments_for(2022)[0])] == [
        "SAM-01", "SAM-01 – Video", "SAM-01 – Råd og veiledning"]


def test_dates_as_excel_dates_or_norwegian_text(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", F2="15.09.2022", F3="Ikke avklart", N2="31.02.2022",
         N3=dt.datetime(2023, 3, 31))
    ds, problems = load_dataset(tmp_path)
    assert [str(p) for p in problems.errors] == [
        "oppdrag.xlsx › Oppdrag › N2: «31.02.2022» er ikke en gyldig dato (skriv dag.måned.år, for eksempel 31.12.2023)"]
    second = ds.assignments[1]
    assert (second.deadline, second.estimated_completion) == ("Ikke avklart", dt.date(2023, 3, 31))


@pytest.mark.parametrize("text, expected", [
    ("31.12.2023", dt.date(2023, 12, 31)), ("31.12.23", dt.date(2023, 12, 31)), ("1.2.2023", dt.date(2023, 2, 1)),
    ("31/12/2023", dt.date(2023, 12, 31)), ("31-12-2023", dt.date(2023, 12, 31)),
    ("2023-12-31", dt.date(2023, 12, 31)), ("31. 12. 2023", dt.date(2023, 12, 31)),
    (" 31.12.2023 ", dt.date(2023, 12, 31)),
    ("1. kvartal 2023", "1. kvartal 2023"), ("2023–2024", "2023–2024"), ("2023-2024", "2023-2024"),
])
def test_dates_typed_as_text_are_dates(tmp_path, text, expected):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", F2=text)
    ds, problems = load_dataset(tmp_path)
    assert problems.items == []
    assert ds.assignments[0].deadline == expected


@pytest.mark.parametrize("text", ["2023-12", "31.12", "12/2023", "31.12.2023.", "2023/12/31"])
def test_text_that_looks_like_a_date_but_is_not_one_is_a_warning(tmp_path, text):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", F2=text)
    ds, problems = load_dataset(tmp_path)
    assert [str(p) for p in problems.warnings] == [
        f"oppdrag.xlsx › Oppdrag › F2: «{text}» er lest som tekst, ikke som dato. "
        "Er det en dato, skriv dag.måned.år (31.12.2023)"]
    assert problems.errors == [] and ds.assignments[0].deadline == text


@pytest.mark.parametrize("text", ["31/13/2023", "12/31/2023", "2023-02-30", "0.1.2023"])
def test_impossible_dates_are_errors(tmp_path, text):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", F2=text)
    _, problems = load_dataset(tmp_path)
    assert [str(p) for p in problems.errors] == [
        f"oppdrag.xlsx › Oppdrag › F2: «{text}» er ikke en gyldig dato (skriv dag.måned.år, for eksempel 31.12.2023)"]


def test_numbers_stored_as_text_with_decimal_comma_and_spaces(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "indikatorer.xlsx", "Verdier", E2="80,4", E3="1\u00a0500,5")
    edit(tmp_path / "indikatorer.xlsx", "Katalog", F2="åtti")
    ds, problems = load_dataset(tmp_path)
    assert [v.value for v in ds.values] == [80.4, 1500.5]
    assert [str(p) for p in problems.errors] == ["indikatorer.xlsx › Katalog › F2: «åtti» er ikke et tall"]


def test_invalid_period(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "indikatorer.xlsx", "Verdier", B2="2022 T4")
    assert _messages(tmp_path) == [
        "indikatorer.xlsx › Verdier › B2: «2022 T4» er ikke en gyldig periode "
        "(2022, 2022 T1, 2022 H1, 2022-09, 15.09.2022 eller 2019–2021)"
    ]


def test_formula_without_cached_value(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "indikatorer.xlsx", "Verdier", E2="=1+1")  # openpyxl stores no cached value
    assert _messages(tmp_path) == [
        "indikatorer.xlsx › Verdier › E2: formelen «=1+1» har ingen lagret verdi. Åpne filen i Excel og lagre den på nytt"
    ]


def test_merged_cells(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Oppdrag"].merge_cells("K2:M2")
    wb.save(path)
    assert _messages(tmp_path) == [
        "oppdrag.xlsx › Oppdrag › K2: sammenslåtte celler (K2:M2) er ikke tillatt. Del opp cellene"
    ]


def test_unknown_indicator_partnership_and_area(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "indikatorer.xlsx", "Katalog", D2="tannhelse")
    edit(tmp_path / "helsefellesskap.xlsx", "Status", B2="Helsefellesskap Agdr")
    msgs = _messages(tmp_path)
    assert "indikatorer.xlsx › Katalog › D2: «tannhelse» er ikke et gyldig område (samhandling, helsefellesskap, " \
           "pasienten som aktiv deltaker, psykisk helse, akuttmedisin, teknologi, kompetanse, finansiering)" in msgs
    assert "helsefellesskap.xlsx › Status › B2: ukjent helsefellesskap «Helsefellesskap Agdr» " \
           "(finnes ikke i arket Helsefellesskap). Mente du «Helsefellesskap Agder»?" in msgs


def test_unknown_indicator(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "indikatorer.xlsx", "Verdier", A2="X99")
    assert _messages(tmp_path) == ["indikatorer.xlsx › Verdier › A2: ukjent indikator «X99» (finnes ikke i arket Katalog)"]


def test_unknown_partnership_in_values(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "indikatorer.xlsx", "Verdier", D3="Helsefellesskap Atlantis")
    assert _messages(tmp_path) == [
        "indikatorer.xlsx › Verdier › D3: ukjent helsefellesskap «Helsefellesskap Atlantis» "
        "(finnes ikke i arket Helsefellesskap)"
    ]


def test_hidden_sheets_are_ignored_with_a_warning(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Gammelt").sheet_state = "hidden"
    wb.save(path)
    _, problems = load_dataset(tmp_path)
    assert problems.errors == []
    assert [str(p) for p in problems.warnings] == ["oppdrag.xlsx › Gammelt: skjult ark ignoreres"]


def test_missing_sheet_and_file(tmp_path):
    write_data(tmp_path)
    (tmp_path / "helsefellesskap.xlsx").unlink()
    path = tmp_path / "indikatorer.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Verdier"].title = "Tall"
    wb.save(path)
    msgs = _messages(tmp_path)
    assert "indikatorer.xlsx: arket «Verdier» mangler (filen har «Veiledning», «Katalog», «Tall»)" in msgs
    assert "helsefellesskap.xlsx: filen mangler i data/" in msgs


def test_a_misspelt_sheet_is_named_with_the_sheets_there_are(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "indikatorer.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Verdier"].title = "Verdir"
    wb.save(path)
    assert "indikatorer.xlsx: arket «Verdier» mangler (filen har «Veiledning», «Katalog», «Verdir»). Mente du «Verdir»?" \
        in _messages(tmp_path)


def test_a_sheet_name_off_by_case_or_spaces_is_read_with_a_warning(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Oppdrag"].title = "oppdrag "
    wb["oppdrag "]["H3"] = "grnn"
    wb.save(path)
    dataset, problems = load_dataset(tmp_path)
    assert [str(p) for p in problems.warnings] == [
        "oppdrag.xlsx › oppdrag : arket er lest som «Oppdrag»; gi det navnet «Oppdrag» (uten mellomrom først og sist)"]
    assert [str(p) for p in problems.errors] == [
        "oppdrag.xlsx › oppdrag  › H3: «grnn» er ikke en gyldig farge (grønn, gul, rød). Mente du «grønn»?"]


def test_headers_below_a_title_row_are_one_message_not_one_per_column(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Oppdrag"].insert_rows(1, 2)
    wb["Oppdrag"]["A1"] = "Oppdrag 2022"
    wb.save(path)
    errors = [m for m in _messages(tmp_path) if m.startswith("oppdrag.xlsx")]
    assert errors == ["oppdrag.xlsx › Oppdrag › A3: kolonneoverskriftene står i rad 3, men skal stå i rad 1. "
                      "Slett radene over dem"]


@pytest.mark.parametrize("bad", ["Levert", "grønn"])
def test_written_workbooks_have_drop_downs_that_refuse_other_values(tmp_path, bad):
    write_data(tmp_path)
    ws = openpyxl.load_workbook(tmp_path / "oppdrag.xlsx")["Oppdrag"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    column = "G" if bad == "Levert" else "H"
    dv = validations[f"{column}2:{column}5000"]
    assert dv.type == "list" and dv.showErrorMessage
    assert bad in dv.formula1
    assert ws.freeze_panes == "A2"


def test_ids_cannot_name_a_path(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "indikatorer.xlsx", "Katalog", A2="../../etc/x")
    edit(tmp_path / "indikatorer.xlsx", "Verdier", A2="C02")
    msgs = _messages(tmp_path)
    assert msgs[0] == ("indikatorer.xlsx › Katalog › A2: «../../etc/x» er ikke en gyldig ID "
                       "(bare bokstaver A–Z, tall og bindestrek, for eksempel SAM-01)")


def _rewrite_sheet_xml(path, sheet_title, transform):
    rewrite_member(path, sheet_member(path, sheet_title), transform)


def test_error_values_are_reported_as_read(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "indikatorer.xlsx", "Verdier", E2="#N/A")  # stored as an error value
    assert _messages(tmp_path) == ["indikatorer.xlsx › Verdier › E2: «#N/A» er ikke et tall"]


def test_formula_with_stored_value_reads_the_value(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "indikatorer.xlsx"
    edit(path, "Verdier", E2="=80+1")
    _rewrite_sheet_xml(path, "Verdier", lambda xml: xml.replace(b"<f>80+1</f><v></v>", b"<f>80+1</f><v>81</v>"))
    ds, problems = load_dataset(tmp_path)
    assert problems.items == []
    assert [v.value for v in ds.values_for("C02")] == [81, 81.0]


def test_excel_escaped_carriage_returns_become_line_breaks(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", M2="Rapport levert._x000D_\n- punkt en")  # as Excel stores \r\n
    ds, problems = load_dataset(tmp_path)
    assert problems.items == []
    assert ds.assignments[0].status_text == "Rapport levert.\n- punkt en"


def test_empty_rows_keep_the_row_numbers_in_messages(tmp_path):
    write_data(tmp_path)
    path = tmp_path / "oppdrag.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Oppdrag"].insert_rows(3, amount=4)
    wb.save(path)
    edit(path, "Oppdrag", H7="grnn")
    assert _messages(tmp_path) == ["oppdrag.xlsx › Oppdrag › H7: «grnn» er ikke en gyldig farge (grønn, gul, rød). "
                                   "Mente du «grønn»?"]


def test_very_hidden_sheets_are_ignored_with_a_warning(tmp_path):
    add_sheet(write_data(tmp_path) / "oppdrag.xlsx", "Intern", "veryHidden")
    assert [str(p) for p in load_dataset(tmp_path)[1].items] == ["oppdrag.xlsx › Intern: skjult ark ignoreres"]


def test_sheet_xml_that_is_not_well_formed_is_a_broken_file(tmp_path):
    write_data(tmp_path)
    _rewrite_sheet_xml(tmp_path / "oppdrag.xlsx", "Oppdrag", lambda xml: xml.replace(b"</sheetData>", b"<row>"))
    errors = [str(p) for p in load_dataset(tmp_path)[1].errors]
    assert errors == ["oppdrag.xlsx: filen er skadet eller ufullstendig (kan ikke pakkes ut). Lagre den på nytt fra Excel"]


def test_a_misspelt_value_or_id_suggests_only_what_is_close(tmp_path):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", H3="rod", I3="helt feil")
    edit(tmp_path / "indikatorer.xlsx", "Verdier", A2="C2")  # a zero left out
    messages = _messages(tmp_path)
    assert "oppdrag.xlsx › Oppdrag › H3: «rod» er ikke en gyldig farge (grønn, gul, rød). Mente du «rød»?" in messages
    trend = next(m for m in messages if "› I3:" in m)
    assert "Mente du" not in trend  # nothing is close to «helt feil»
    unknown = next(m for m in messages if "«C2»" in m)
    assert unknown.startswith("indikatorer.xlsx › Verdier › A2: ukjent indikator «C2» (finnes ikke i arket Katalog). "
                              "Mente du «C02»")
    assert unknown.count("«") <= 2 + 2 * 3  # at most three suggestions, not every indicator


@pytest.mark.parametrize("typed, shown", [(True, "Ja"), (dt.datetime(2022, 9, 1), "01.09.2022"), (2.5, "2,5"), (44.0, "44")])
def test_what_excel_made_of_a_text_cell_reads_as_text(tmp_path, typed, shown):
    """A text column holding a date (Excel turns «1.9.2022» into one), a number or TRUE."""
    write_data(tmp_path)
    path = tmp_path / "oppdrag.xlsx"
    column = next(i for i, c in enumerate(openpyxl.load_workbook(path)["Oppdrag"][1]) if c.value == "Leveranse")
    edit(path, "Oppdrag", **{f"{openpyxl.utils.get_column_letter(column + 1)}2": typed})
    dataset, problems = load_dataset(tmp_path)
    assert problems.errors == []
    assert dataset.assignments[0].deliverable == shown


@pytest.mark.parametrize("written, area", [("Akuttmedisinske tjenester", "akuttmedisin"), ("Psykisk helsevern", "psykisk helse"),
                                           ("status og fremgang for helsefellesskap", "helsefellesskap")])
def test_an_area_written_as_the_report_names_it_is_read_with_a_warning(tmp_path, written, area):
    write_data(tmp_path)
    edit(tmp_path / "oppdrag.xlsx", "Oppdrag", D2=written)
    dataset, problems = load_dataset(tmp_path)
    assert problems.errors == []
    assert dataset.assignments[0].area == area
    assert [str(p) for p in problems.warnings] == [f"oppdrag.xlsx › Oppdrag › D2: «{written}» er lest som «{area}»"]
