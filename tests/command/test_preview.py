"""`rapport forhåndsvis` as a writer uses it, with a real Quarto: the served page follows a saved
chapter and a saved workbook without a restart, Ctrl-C stops it, and `_bok/` is never touched."""

import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from report.publish.quarto import find_quarto

RAPPORT = str(Path(sys.executable).parent / "rapport")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _served(port: int, page: str, wanted: str, timeout: float) -> float | None:
    """Seconds until `page` is served holding `wanted`; None if it never is within `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{page}", timeout=5) as r:
                if wanted in r.read().decode("utf-8", "replace"):
                    return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.3)
    return None


@pytest.mark.skipif(find_quarto() is None, reason="quarto er ikke installert på denne maskinen")
def test_the_preview_follows_chapters_and_workbooks_and_leaves_the_report_alone(project):
    port = _free_port()
    process = subprocess.Popen([RAPPORT, "forhåndsvis", "--no-browser", "--port", str(port)], cwd=project,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert _served(port, "chapters/samhandling.html", "Samhandling", 300) is not None, "never served"
        chapter = project / "chapters" / "samhandling.qmd"
        chapter.write_text(chapter.read_text(encoding="utf-8") + "\nEn ny setning fra skribenten.\n",
                           encoding="utf-8")
        assert _served(port, "chapters/samhandling.html", "En ny setning fra skribenten.", 60) is not None

        path = project / "data" / "indikatorer.xlsx"  # A10's latest value, in the chapter on mental health
        wb = openpyxl.load_workbook(path)
        latest = next(r for r in wb["Verdier"].iter_rows(min_row=2)
                      if (r[0].value, r[1].value, r[2].value) == ("A10", "2021", "land"))
        latest[4].value = 77.7
        wb.save(path)
        assert _served(port, "chapters/psykisk-helse.html", "77,7", 120) is not None
        # still served while a workbook cannot be read: the last good page stays, the terminal says why
        path.write_bytes(b"PK\x03\x04 lagret halvveis")
        time.sleep(3)
        assert _served(port, "chapters/psykisk-helse.html", "77,7", 10) is not None
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output[-3000:]
    assert "Forhåndsvisningen er stoppet" in output
    assert "Regnearket kunne ikke leses" in output and "indikatorer.xlsx" in output
    assert not (project / "_bok").exists() and not (project / ".forhandsvisning").exists()
