"""The website: the house theme's colours are report/content/palette.py's, and the post-render step
(report/publish/html/) makes Quarto's pages accessible and bokmål. Checked on real Quarto pages kept in
tests/fixtures/html (CI has no Quarto) and, where Quarto is installed, on the whole sample site;
axe-core and the sideways-scrolling check run in headless Chromium where it is installed."""

import re
import shutil
from pathlib import Path

import pytest
import yaml
from helpers.browser import check_site, chromium, pages
from helpers.project import FIXTURES, ROOT

from report.content import palette
from report.content.figures import PHONE, render_indicator_figure
from report.data import schema
from report.data.model import Indicator, IndicatorValue
from report.data.periods import parse_period
from report.publish.documents import rename_documents, workbook_name
from report.publish.html.elements import parse, text_of
from report.publish.html.furniture import finish_page, finish_site

FIXTURE = FIXTURES / "html"
WORKBOOK = workbook_name(2022)
# English that Quarto leaves in its furniture, and the labels it had before the fixes
ENGLISH = re.compile(r"\b(breadcrumb|Toggle|Download|Docx|Note|Copyright|Search|Share|Previous|Next)\b")


# -- the theme ---------------------------------------------------------------------------------

def _palette_colour(name):
    """`PRIMARY` or `COLOUR_FILLS["grønn"]` in report/content/palette.py, as "#RRGGBB"."""
    match = re.fullmatch(r'(\w+)(?:\["(.+)"\])?', name)
    value = getattr(palette, match[1])
    value = value[match[2]] if match[2] else value
    return "#" + value.lstrip("#").upper()


def test_every_theme_colour_is_the_palettes():
    lines = [ln for ln in (ROOT / "nhsp.scss").read_text(encoding="utf-8").splitlines() if re.search(r"#[0-9A-Fa-f]{6}\b", ln)]
    assert len(lines) >= 10
    for line in lines:
        marked = re.search(r"//\s*palette\.(\S+)", line)
        assert marked, f"nhsp.scss: a colour without its name in report/content/palette.py: {line.strip()}"
        assert re.search(r"#[0-9A-Fa-f]{6}\b", line)[0].upper() == _palette_colour(marked[1]), line.strip()


def test_the_html_uses_the_theme_and_no_other_stylesheet():
    html = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))["format"]["html"]
    assert "nhsp.scss" in html["theme"] and "css" not in html
    assert not (ROOT / "styles.css").exists()


@pytest.mark.parametrize("text, background", [
    (palette.PRIMARY, "#FFFFFF"), (palette.PRIMARY, palette.PRIMARY_TINT), (palette.PRIMARY_DARK, "#FFFFFF"),
    (palette.TEXT, palette.PRIMARY_TINT), (palette.TEXT, "#FFFFFF"),
])
def test_theme_text_keeps_4_5_to_1(text, background):
    assert palette.contrast(text, background) >= 4.5


# -- the post-render step on real Quarto pages ------------------------------------------------

@pytest.fixture
def site(tmp_path):
    """The fixture pages as Quarto wrote them, the workbook beside them, finished as
    scripts/etterbehandle.py does."""
    folder = tmp_path / "_bok"
    shutil.copytree(FIXTURE, folder)
    (folder / WORKBOOK).write_bytes(b"")
    assert finish_site(folder, WORKBOOK) == len(pages(folder))
    return folder


def _page(site, name):
    text = (site / name).read_text(encoding="utf-8")
    return text, parse(text)


def test_the_fixture_is_as_quarto_wrote_it():
    text = (FIXTURE / "chapters" / "oppdrag.html").read_text(encoding="utf-8")
    assert 'aria-label="breadcrumb"' in text and 'class="pagination-link" aria-label=' in text
    assert "tabell-rulle" not in text and "Last ned Docx" in text


def test_landmarks_are_named_apart_in_bokmal(site):
    for name in pages(site):
        text, elements = _page(site, name)
        navs = [e for e in elements if e.tag == "nav"]
        names = [e.attrs.get("aria-label") or e.attrs.get("aria-labelledby") for e in navs]
        # the title block's breadcrumbs show from 992 px, the menu's below that: never both
        twins = sum(e.has_class("quarto-title-breadcrumbs") for e in navs)
        assert None not in names and len(set(names)) == len(names) - twins, (name, names)
        assert "Du er her" in names and "Kapitler" in names


def test_previous_and_next_links_are_named_by_what_they_show(site):
    text, elements = _page(site, "chapters/oppdrag.html")
    links = [e for e in elements if e.tag == "a" and e.has_class("pagination-link")]
    assert [text_of(text, link) for link in links] == [
        "Forrige kapittel: 4 Understøttelse av helsefellesskap", "Neste kapittel: 6 Samhandling"]
    assert not any("aria-label" in link.attrs for link in links)


def test_every_table_scrolls_in_its_own_named_region(site):
    for name in pages(site):
        text, elements = _page(site, name)
        for table in (e for e in elements if e.tag == "table"):
            region = table.parent
            assert region.has_class("tabell-rulle"), name
            assert (region.attrs["tabindex"], region.attrs["role"]) == ("0", "region")
            assert region.attrs["aria-label"].startswith("Tabell"), region.attrs
    text, elements = _page(site, "chapters/oppdrag.html")
    labels = [e.attrs["aria-label"] for e in elements if e.has_class("tabell-rulle")]
    assert labels[0].startswith("Tabell 5.1: Oppdrag under NHSP")
    text, elements = _page(site, "chapters/vedlegg-7-enkeltoppdrag.html")
    labels = [e.attrs["aria-label"] for e in elements if e.has_class("tabell-rulle")]
    assert any("Revidering av veileder" in label for label in labels)  # the title, not the internal ID


def test_wide_tables_take_the_page_width_and_hyphenate_their_text_not_their_tags(site):
    text, elements = _page(site, "chapters/vedlegg-7-enkeltoppdrag.html")
    regions = [e for e in elements if e.has_class("tabell-rulle")]
    wide_regions = [r for r in regions if r.has_class("column-page-right")]
    assert len(wide_regions) == len(regions) - 1  # all but the two-column list of abbreviations
    main = next(e for e in elements if e.tag == "main")
    for region in wide_regions:  # Quarto's page grid reaches every one
        parent = region.parent
        while parent is not main:
            assert parent.tag != "section" or (parent.has_class("page-columns") and parent.has_class("page-full"))
            parent = parent.parent
    assert main.has_class("page-columns") and main.has_class("page-full")
    tags = "".join(re.findall(r"<[^>]*>", text))
    assert "\u00ad" not in tags, "no soft hyphen in a tag or an attribute (class names stay whole)"
    assert "Bru\u00adker\u00admed\u00advirk\u00adning" in text and "fremdrift-gul" in text
    assert "(intern/<wbr>ekstern" in text, "a header may break after its slash"
    words = re.sub(r"<[^>]*>", " ", text[:text.index("<table")])  # before the tables: as Quarto wrote it
    assert "\u00ad" not in words
    _, elements = _page(site, "chapters/vedlegg-2-helsefellesskap.html")
    table = next(e for e in elements if e.tag == "table")
    float_div = next(e for e in elements if e.tag == "div" and e.has_class("quarto-float") and table.within(e))
    assert float_div.has_class("column-page-right")  # a captioned table: its float takes the width


def test_cells_carry_their_header_word_for_the_phone_layout(site):
    text, elements = _page(site, "chapters/oppdrag.html")
    rows = [e for e in elements if e.tag == "tr" and e.parent is not None and e.parent.tag == "tbody"]
    labels = [[c.attrs.get("data-label") for c in elements if c.parent is row and c.tag == "td"] for row in rows]
    assert labels[0] == [None, None, None]  # an area's name over its assignments
    assert labels[1] == list(schema.OVERVIEW_COLUMNS)
    _, elements = _page(site, "chapters/vedlegg-7-enkeltoppdrag.html")
    cells = [c for c in elements if c.tag == "td" and c.attrs.get("data-label")]
    assert {c.attrs["data-label"] for c in cells} >= {"Status", "Brukermedvirkning", "Avhengigheter"}
    across = [c for c in elements if c.tag == "td" and c.attrs.get("colspan")]
    assert across and not any("data-label" in c.attrs for c in across)


def test_text_columns_left_numbers_right(site):
    """The alignment the generated markdown asks for arrives in the HTML, none centred."""
    for name, numbers in [("chapters/oppdrag.html", False), ("chapters/vedlegg-2-helsefellesskap.html", True)]:
        text, elements = _page(site, name)
        cells = [e for e in elements if e.tag in ("td", "th") and e.within(next(t for t in elements if t.tag == "table"))]
        aligns = {re.search(r"text-align: (\w+)", c.attrs.get("style") or "")[1] for c in cells}
        assert aligns == ({"left", "right"} if numbers else {"left"}), (name, aligns)


def test_downloads_menu_has_pdf_word_and_the_numbers(site):
    for name, up in [("index.html", "./"), ("chapters/oppdrag.html", "../")]:
        text, elements = _page(site, name)
        menu = next(e for e in elements if e.tag == "ul" and e.has_class("dropdown-menu"))
        items = {text_of(text, e): e.attrs["href"] for e in elements if e.tag == "a" and e.within(menu)}
        assert list(items) == ["Last ned PDF", "Last ned Word-fil", "Last ned tallene (Excel)"]
        assert items["Last ned tallene (Excel)"] == up + WORKBOOK
        assert (site / name).parent.joinpath(items["Last ned tallene (Excel)"]).resolve() == (site / WORKBOOK).resolve()


def test_the_documents_get_short_names_and_the_menu_follows(tmp_path):
    folder = tmp_path / "_bok"
    shutil.copytree(FIXTURE, folder)
    long = "Rapportering-på-status-og-fremgang-for-Nasjonal-helse--og-sykehusplan-2020–2023"
    for suffix in (".pdf", ".docx"):
        (folder / f"{long}{suffix}").write_bytes(suffix.encode())
    renamed = rename_documents(folder, [f"{long}.pdf", f"{long}.docx", "index.html"], 2022)
    assert renamed == {f"{long}.pdf": "NHSP-statusrapport-2022.pdf", f"{long}.docx": "NHSP-statusrapport-2022.docx"}
    assert sorted(p.name for p in folder.glob("*.*") if p.suffix in {".pdf", ".docx"}) == [
        "NHSP-statusrapport-2022.docx", "NHSP-statusrapport-2022.pdf"]
    finish_site(folder, None, renamed)
    for name, up in [("index.html", "./"), ("chapters/oppdrag.html", "../")]:
        text, elements = _page(folder, name)
        menu = next(e for e in elements if e.tag == "ul" and e.has_class("dropdown-menu"))
        items = {text_of(text, e): e.attrs["href"] for e in elements if e.tag == "a" and e.within(menu)}
        assert items == {"Last ned PDF": f"{up}NHSP-statusrapport-2022.pdf",
                         "Last ned Word-fil": f"{up}NHSP-statusrapport-2022.docx"}
        assert long not in text


def test_no_workbook_no_link(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "_bok")
    finish_site(tmp_path / "_bok", None)
    assert "tallgrunnlag" not in (tmp_path / "_bok" / "index.html").read_text(encoding="utf-8")


def test_the_house_logo_heads_the_sidebar_on_every_page_when_there_is_one(tmp_path):
    folder = tmp_path / "_bok"
    shutil.copytree(FIXTURE, folder)
    finish_site(folder, None, logo=("figures/logo.svg", "Helsedirektoratet"))
    for page in pages(folder):
        text, elements = _page(folder, page)
        header = next(e for e in elements if e.tag == "div" and e.has_class("sidebar-header"))
        [logo] = [e for e in elements if e.tag == "img" and e.has_class("nhsp-logo")]
        assert logo.within(header) and logo.attrs["alt"] == "Helsedirektoratet (logo)"
        assert ((folder / page).parent / logo.attrs["src"]).resolve() == (folder / "figures" / "logo.svg").resolve()
    without = tmp_path / "uten"
    shutil.copytree(FIXTURE, without)
    finish_site(without, None)
    assert "nhsp-logo" not in (without / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def site_with_figure(tmp_path):
    """The fixture pages with the figure akuttmedisin.html shows (drawn by report/content/figures.py
    under Quarto's name for it), and its phone version beside it, finished."""
    folder = tmp_path / "_bok"
    shutil.copytree(FIXTURE, folder)
    figure = render_indicator_figure(Indicator("C02", "Ventetid", "døgn", "akuttmedisin", "NPR", None, "", 1),
                                     [IndicatorValue("C02", parse_period(year), "land", "Norge", value)
                                      for year, value in (("2020", 40.0), ("2021", 44.5))], tmp_path / "figurer")
    shown = folder / "_generert" / "figurer"
    shown.mkdir(parents=True)
    for made in (figure.svg, figure.phone_svg):
        shutil.copy(made, shown / made.name)
    finish_site(folder, None, phone_suffix=PHONE)
    return folder


def test_a_figure_has_its_phone_version_for_narrow_screens(site_with_figure, tmp_path):
    text, elements = _page(site_with_figure, "chapters/akuttmedisin.html")
    [picture] = [e for e in elements if e.tag == "picture"]
    [source] = [e for e in elements if e.tag == "source" and e.within(picture)]
    [img] = [e for e in elements if e.tag == "img" and e.within(picture)]
    assert source.attrs == {"media": "(max-width: 575.98px)", "srcset": "../_generert/figurer/C02-smal.svg"}
    assert img.attrs["src"] == "../_generert/figurer/C02.svg" and img.attrs["alt"]
    finish_site(site_with_figure, None, phone_suffix=PHONE)
    assert (site_with_figure / "chapters" / "akuttmedisin.html").read_text(encoding="utf-8") == text, "once"
    without = tmp_path / "uten"
    shutil.copytree(FIXTURE, without)
    finish_site(without, None, phone_suffix=PHONE)
    assert "<picture>" not in (without / "chapters" / "akuttmedisin.html").read_text(encoding="utf-8")


def test_a_phone_shows_the_phone_version_and_a_wide_screen_the_pages(site_with_figure):
    with chromium(site_with_figure) as (driver, base):
        for width, expected in ((390, "C02-smal.svg"), (1280, "C02.svg")):
            driver.set_window_size(width, 900)
            driver.get(base + "chapters/akuttmedisin.html")
            src, shown, column = driver.execute_script(
                "const i = document.querySelector('picture img');"
                "return [i.currentSrc, i.getBoundingClientRect().width, i.closest('main').clientWidth]")
            assert src.endswith("/" + expected) and 0 < shown <= column, (width, src, shown, column)


def test_no_english_in_the_furniture(site):
    for name in pages(site):
        text, elements = _page(site, name)
        said = [v for e in elements for k, v in e.attrs.items() if k in ("aria-label", "title", "placeholder", "alt") and v]
        said += [text_of(text, e) for e in elements if e.has_class("screen-reader-only") or e.has_class("visually-hidden")]
        said += [text_of(text, e) for e in elements if e.tag == "a" and e.has_class("dropdown-item")]
        assert not [s for s in said if ENGLISH.search(s)], name


def test_callout_kind_stands_apart_from_its_title():
    page = ('<div class="callout-title-container flex-fill">\n'
            '<span class="screen-reader-only">Merknad</span>Eksempel fra tjenestene\n</div>')
    finished = finish_page(page)
    assert text_of(finished, parse(finished)[0]) == "Merknad: Eksempel fra tjenestene"


def test_finishing_twice_changes_nothing(site):
    for name in pages(site):
        text = (site / name).read_text(encoding="utf-8")
        assert finish_page(text, "./" + WORKBOOK if name == "index.html" else "../" + WORKBOOK) == text


def test_everything_else_is_as_quarto_wrote_it(site):
    """Only the start tags of navs, links, regions, sections and cells, the menu and the wide tables'
    soft hyphens change: the rest stays byte for byte."""
    def without_tags(text):
        return re.sub(r"<[^>]*>|Forrige kapittel: |Neste kapittel: |Last ned Docx|Last ned Word-fil|"
                      r"Last ned tallene \(Excel\)|(?<=Merknad): |\s+|\u00ad", "", text)
    for name in pages(site):
        assert without_tags((site / name).read_text(encoding="utf-8")) == without_tags((FIXTURE / name).read_text(encoding="utf-8"))


# -- in a browser -----------------------------------------------------------------------------

def test_no_axe_violations_and_no_sideways_scrolling_on_the_fixture_pages(site):
    assert check_site(site) == []


def test_wide_tables_show_every_column_at_1280_px_beside_the_chapter_list(site):
    with chromium(site) as (driver, base):
        for page in ("chapters/vedlegg-7-enkeltoppdrag.html", "chapters/vedlegg-2-helsefellesskap.html"):
            driver.get(base + page)
            sizes = driver.execute_script(
                "const r = document.querySelector('.column-page-right .tabell-rulle, .tabell-rulle.column-page-right');"
                "const side = document.querySelector('#quarto-sidebar').getBoundingClientRect();"
                "const main = document.querySelector('main p').getBoundingClientRect();"
                "return [r.scrollWidth, r.clientWidth, r.getBoundingClientRect().left, side.right,"
                "        r.getBoundingClientRect().width, main.width, window.innerWidth,"
                "        parseFloat(getComputedStyle(r.querySelector('table')).fontSize),"
                "        parseFloat(getComputedStyle(document.body).fontSize)]")
            scroll_width, width, left, sidebar_right, region, text_column, window, table_font, body_font = sizes
            assert window == 1280 and scroll_width <= width, f"{page}: a column is hidden ({scroll_width} > {width})"
            assert left >= sidebar_right and region > 0.9 * (window - sidebar_right) > text_column
            assert table_font < body_font or "vedlegg-7" not in page, "the Vedlegg 7 rule in nhsp.scss reaches them"


def test_on_a_phone_table_rows_are_cards_with_every_cell_on_screen(site):
    with chromium(site) as (driver, base):
        driver.set_window_size(390, 844)
        for page in ("chapters/oppdrag.html", "chapters/vedlegg-7-enkeltoppdrag.html"):
            driver.get(base + page)
            found = driver.execute_script(
                "const cells = [...document.querySelectorAll('.tabell-rulle td')];"
                "const label = c => getComputedStyle(c, '::before').content;"
                "return [document.documentElement.clientWidth,"
                "        Math.max(...cells.map(c => c.getBoundingClientRect().right)),"
                "        cells.filter(c => c.dataset.label).length,"
                "        cells.filter(c => c.dataset.label && label(c) !== `\"${c.dataset.label}: \"`).length,"
                "        getComputedStyle(document.querySelector('td[data-label]').closest('table').tHead).position]")
            window, rightmost, labelled, unlabelled, thead = found
            assert labelled > 10 and unlabelled == 0, page
            assert rightmost <= window, f"{page}: a cell ends at {rightmost} px, off a {window} px screen"
            assert thead == "absolute"  # the header row is for screen readers; each cell says its header


# -- the whole sample site, with a real Quarto ------------------------------------------------

def test_the_built_site_has_no_axe_violations_and_no_sideways_scrolling(rendered):
    project, result = rendered
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    site = project / "_bok"
    assert len(pages(site)) == 20
    assert check_site(site) == []


def test_the_built_site_links_to_its_downloads(rendered):
    project, _ = rendered
    site = project / "_bok"
    text, elements = _page(site, "index.html")
    menu = next(e for e in elements if e.tag == "ul" and e.has_class("dropdown-menu"))
    hrefs = [e.attrs["href"] for e in elements if e.tag == "a" and e.within(menu)]
    assert [Path(h).suffix for h in hrefs][:2] == [".pdf", ".docx"]
    for href in hrefs:
        assert (site / href).is_file(), href
    assert ("./" + WORKBOOK in hrefs) == (site / WORKBOOK).is_file()


def test_a_long_url_in_vedlegg_7_breaks_in_its_cell_and_leaves_the_columns_as_they_are(rendered):
    """The built site (nhsp.scss as Quarto compiled it): a cell given a long URL in the browser."""
    project, _ = rendered
    url = "https://www.helsedirektoratet.no/" + "veiledere/samarbeidsavtaler-mellom-helseforetak-og-kommuner/" * 3
    with chromium(project / "_bok") as (driver, base):
        driver.set_window_size(1280, 900)
        driver.get(base + "chapters/vedlegg-7-enkeltoppdrag.html")
        widths = "return [...document.querySelectorAll('.landscape table')[1].rows[0].cells].map(c => c.offsetWidth)"
        before = driver.execute_script(widths)
        overflow = driver.execute_script(
            "const t = document.querySelectorAll('.landscape table')[1];"
            "t.tBodies[0].rows[0].cells[0].textContent = arguments[0];"
            "const r = t.closest('.tabell-rulle'); return [r.scrollWidth, r.clientWidth]", url)
        after = driver.execute_script(widths)
    assert len(before) == 9 and after == before, "the URL widened its column"
    assert overflow[0] <= overflow[1], "the table runs out of its region"


def test_the_landing_page_names_the_publisher_not_an_author(rendered):
    project, _ = rendered
    text, elements = _page(project / "_bok", "index.html")
    labels = [text_of(text, e) for e in elements if e.tag == "div" and e.has_class("quarto-title-meta-heading")]
    assert labels == ["Utgitt av"]
