"""`rapport forhåndsvis` as a writer uses it, with a real Quarto: the served page (with `--pdf` the
PDF) follows a saved chapter and a saved workbook without a restart, a workbook that cannot be read
shows on the page until it is fixed, Ctrl-C stops it, and `_bok/` is never touched. The seconds
from saving to being served are printed (`pytest -s` shows them), not tested."""

import io
import json
import re
import signal
import socket
import threading
import time
import urllib.request

import openpyxl
import pypdf
import pytest
from helpers.browser import headless_chromium
from helpers.commands import rapport, start_rapport

from report.publish.quarto import find_quarto

needs_quarto = pytest.mark.skipif(find_quarto() is None, reason="quarto er ikke installert på denne maskinen")
HALF_SAVED = b"PK\x03\x04 lagret halvveis"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=10) as r:
        return r.read()


def _served(port: int, page: str, wanted: str, timeout: float) -> float | None:
    """Seconds until `page` is served holding `wanted`; None if it never is within `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            if wanted in _get(port, page).decode("utf-8", "replace"):
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.3)
    return None


def _status(port: int) -> dict:
    return json.loads(_get(port, "status"))


def _message(port: int, wanted: str, timeout: float) -> dict:
    """The status once the page's message holds `wanted`."""
    deadline = time.monotonic() + timeout
    while wanted not in (status := _status(port))["melding"] and time.monotonic() < deadline:
        time.sleep(0.3)
    assert wanted in status["melding"], status
    return status


def _new_pdf(port: int, after: int, wanted: str, timeout: float) -> tuple[int, float]:
    """The first PDF served after version `after` that holds `wanted`: its version, and the
    seconds until it was served. Fails after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            version = _status(port)["pdf"]
        except OSError:
            version = after
        if version > after:
            seen = time.monotonic() - start
            pages = pypdf.PdfReader(io.BytesIO(_get(port, "forhandsvisning.pdf"))).pages
            if wanted in re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages)):
                return version, seen
            after = version
        time.sleep(0.2)
    pytest.fail(f"no PDF with «{wanted}» within {timeout} s")


def _set_a10(project, value, workbook: bytes | None = None) -> None:
    """A10's latest value, which the chapter on mental health shows (in `workbook`'s content, if
    given, instead of the file's)."""
    path = project / "data" / "indikatorer.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(workbook) if workbook else path)
    latest = next(r for r in wb["Verdier"].iter_rows(min_row=2)
                  if (r[0].value, r[1].value, r[2].value) == ("A10", "2021", "land"))
    latest[4].value = value
    wb.save(path)


def _add_sentence(project) -> None:
    chapter = project / "chapters" / "samhandling.qmd"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nEn ny setning fra skribenten.\n", encoding="utf-8")


def _stop(process) -> str:
    process.send_signal(signal.SIGINT)
    return process.communicate(timeout=60)[0]


def _left_alone(project, process, output: str) -> None:
    assert process.returncode == 0, output[-3000:]
    assert "Forhåndsvisningen er stoppet" in output
    assert not (project / "_bok").exists() and not (project / ".forhandsvisning").exists()


@needs_quarto
def test_the_preview_follows_chapters_and_workbooks_and_leaves_the_report_alone(project):
    port = _free_port()
    process = start_rapport(project, "forhåndsvis", "--no-browser", "--port", str(port))
    try:
        assert _served(port, "chapters/samhandling.html", "Samhandling", 300) is not None, "never served"
        assert b"Vedlegg 1" in _get(port, "chapters/samhandling.html")  # finished as in _bok/, not «A»
        _add_sentence(project)
        seconds = _served(port, "chapters/samhandling.html", "En ny setning fra skribenten.", 60)
        assert seconds is not None
        print(f"\nnettsidene: kapittel lagret → på siden: {seconds:.1f} s")
        chapter = project / "chapters" / "samhandling.qmd"
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(text + "\n{{< blokk finnes-ikke >}}\n", encoding="utf-8")  # Quarto stops on it
        assert "Siden for chapters/samhandling.qmd kunne ikke lages på nytt" in _message(port, "Quarto", 60)["melding"]
        assert _served(port, "chapters/samhandling.html", "En ny setning fra skribenten.", 5) is not None
        chapter.write_text(text, encoding="utf-8")
        deadline = time.monotonic() + 60
        while _status(port)["melding"] and time.monotonic() < deadline:
            time.sleep(0.3)
        assert _status(port)["melding"] == ""
        _set_a10(project, 77.7)
        seconds = _served(port, "chapters/psykisk-helse.html", "77,7", 120)
        assert seconds is not None
        print(f"nettsidene: regneark lagret → på siden: {seconds:.1f} s")
        # a chapter added to the book in _quarto.yml is made, and is in every page's menu
        (project / "chapters" / "ny-del.qmd").write_text("# En ny del\n\nTekst i den nye delen.\n", encoding="utf-8")
        settings = project / "_quarto.yml"
        settings.write_text(settings.read_text(encoding="utf-8").replace(
            "    - chapters/finansiering.qmd\n", "    - chapters/finansiering.qmd\n    - chapters/ny-del.qmd\n"),
            encoding="utf-8")
        assert _served(port, "chapters/ny-del.html", "Tekst i den nye delen.", 180) is not None
        assert _served(port, "chapters/samhandling.html", "En ny del", 30) is not None
        # still served while a workbook cannot be read: the last good page stays, the terminal says why
        (project / "data" / "indikatorer.xlsx").write_bytes(HALF_SAVED)
        time.sleep(3)
        assert _served(port, "chapters/psykisk-helse.html", "77,7", 10) is not None
    finally:
        output = _stop(process)
    _left_alone(project, process, output)
    assert "Regnearket kunne ikke leses" in output and "indikatorer.xlsx" in output


@needs_quarto
def test_a_workbook_that_cannot_be_read_shows_on_the_page_until_it_is_fixed(project):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    with headless_chromium() as driver:
        port = _free_port()
        process = start_rapport(project, "forhåndsvis", "--no-browser", "--port", str(port))
        try:
            assert _served(port, "chapters/psykisk-helse.html", "Psykisk", 300) is not None, "never served"
            driver.get(f"http://127.0.0.1:{port}/chapters/psykisk-helse.html")
            _set_a10(project, "<b>77</b>")  # markup in a cell, which the message quotes
            expected = [line.strip() for line in rapport(project, "sjekk").stderr.splitlines()
                        if line.strip().startswith("FEIL:")]
            banner = WebDriverWait(driver, 30).until(
                lambda d: next((b for b in d.find_elements(By.ID, "nhsp-melding") if b.is_displayed()), False))
            assert banner.text.startswith("Regnearket kunne ikke leses, så siden viser det som var der før:")
            assert expected and all(line in banner.text.splitlines() for line in expected), (expected, banner.text)
            assert "«<b>77</b>» er ikke et tall" in banner.text
            assert not banner.find_elements(By.XPATH, "./*"), "the workbook's text became markup"

            _set_a10(project, 88.8)
            start = time.monotonic()
            WebDriverWait(driver, 60).until(lambda d: not banner.is_displayed())
            print(f"\nnettsidene: regneark rettet → meldingen borte: {time.monotonic() - start:.1f} s")
            # the open page loads itself again when it was made again
            WebDriverWait(driver, 120).until(lambda d: "88,8" in d.find_element(By.TAG_NAME, "main").text)
        finally:
            output = _stop(process)
    _left_alone(project, process, output)
    # the page the writer has open is made first (the others follow in the order of their names)
    after_fix = output[output.rindex("Regnearket kunne ikke leses"):]
    assert re.search(r"Oppdaterer (\S+)", after_fix).group(1) == "chapters/psykisk-helse.qmd", after_fix


@needs_quarto
def test_the_chapter_the_writer_has_open_goes_before_a_chapter_being_rendered(project):
    """A chapter saved while another is being rendered: that render stops, the open chapter is made
    first, and the other follows."""
    port = _free_port()
    process = start_rapport(project, "forhåndsvis", "--no-browser", "--port", str(port))
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    opened = threading.Event()

    def browser():  # the open page asks about itself every half second, as it does in the browser
        while not opened.wait(0.5):
            try:
                _get(port, "status?side=/chapters/samhandling.html")
            except OSError:
                pass

    threading.Thread(target=browser, daemon=True).start()
    try:
        assert _served(port, "chapters/samhandling.html", "Samhandling", 300) is not None, "never served"
        other = project / "chapters" / "psykisk-helse.qmd"
        other.write_text(other.read_text(encoding="utf-8") + "\nEn setning i et annet kapittel.\n", encoding="utf-8")
        deadline = time.monotonic() + 30
        while not any("Oppdaterer chapters/psykisk-helse.qmd" in line for line in lines):
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.05)
        _add_sentence(project)
        assert _served(port, "chapters/samhandling.html", "En ny setning fra skribenten.", 60) is not None
        assert "En setning i et annet kapittel." not in _get(port, "chapters/psykisk-helse.html").decode()
        assert _served(port, "chapters/psykisk-helse.html", "En setning i et annet kapittel.", 60) is not None
        # saved again and again (an editor saving every half second): the open chapter's renders finish
        chapter = project / "chapters" / "samhandling.qmd"
        text = chapter.read_text(encoding="utf-8")
        deadline, saves, shown = time.monotonic() + 20, 0, None
        while shown is None and time.monotonic() < deadline:
            saves += 1
            chapter.write_text(text + f"\nLagring {saves}.\n", encoding="utf-8")
            time.sleep(0.5)
            shown = re.search(r"Lagring \d+\.", _get(port, "chapters/samhandling.html").decode())
        assert shown is not None, f"nothing shown after {saves} saves"
    finally:
        opened.set()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        reader.join(timeout=10)
    output = "".join(lines)
    _left_alone(project, process, output)
    assert "Venter med chapters/psykisk-helse.qmd: kapitlet som er åpent, ble lagret og lages først." in output


@needs_quarto
def test_the_pdf_preview_follows_chapters_and_workbooks_and_leaves_the_report_alone(project):
    port = _free_port()
    process = start_rapport(project, "forhåndsvis", "--pdf", "--no-browser", "--port", str(port))
    try:
        version, _ = _new_pdf(port, 0, "Samhandling", 300)
        assert b'id="nhsp-pdf"' in _get(port, "")  # the page the browser opens, which shows the PDF
        _add_sentence(project)
        version, seconds = _new_pdf(port, version, "En ny setning fra skribenten.", 120)
        print(f"\nPDF: kapittel lagret → på siden: {seconds:.1f} s")
        chapter = project / "chapters" / "samhandling.qmd"
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(text + "\n{{< blokk finnes-ikke >}}\n", encoding="utf-8")  # Quarto stops on it
        assert _message(port, "PDF-en kunne ikke lages på nytt", 120)["pdf"] == version  # the last one stays
        chapter.write_text(text, encoding="utf-8")
        version, _ = _new_pdf(port, version, "En ny setning fra skribenten.", 120)
        assert _status(port)["melding"] == ""
        _set_a10(project, 77.7)
        version, seconds = _new_pdf(port, version, "77,7", 120)
        print(f"PDF: regneark lagret → på siden: {seconds:.1f} s")

        good = (project / "data" / "indikatorer.xlsx").read_bytes()
        (project / "data" / "indikatorer.xlsx").write_bytes(HALF_SAVED)
        status = _message(port, "indikatorer.xlsx", 30)
        # the last good PDF stays (a render of the good workbook may still have been under way)
        assert status["melding"].startswith("Regnearket kunne ikke leses") and status["pdf"] >= version
        served = pypdf.PdfReader(io.BytesIO(_get(port, "forhandsvisning.pdf"))).pages
        assert "77,7" in " ".join(p.extract_text() for p in served)
        version = status["pdf"]

        _set_a10(project, 88.8, good)
        version, seconds = _new_pdf(port, version, "88,8", 120)
        print(f"PDF: regneark rettet → ny PDF på siden: {seconds:.1f} s")
        assert _status(port)["melding"] == ""
    finally:
        output = _stop(process)
    _left_alone(project, process, output)
    assert "Regnearket kunne ikke leses" in output and "PDF-en er oppdatert" in output
