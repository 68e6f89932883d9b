"""Test helper: the pages of a site in headless Chromium, with axe-core. Where Chromium,
chromedriver or axe-core (`.ci/run` installs them) is absent, see helpers/clients.py."""

import contextlib
import functools
import http.server
import shutil
import threading
from pathlib import Path

from helpers.clients import missing
from helpers.project import ROOT

AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (1280, 320)


def pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "site_libs" not in p.parts)


@contextlib.contextmanager
def chromium(site: Path):
    """A headless Chromium and the address `site` is served at (http, so search.json loads)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with headless_chromium() as driver:
            yield driver, f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


@contextlib.contextmanager
def headless_chromium():
    """A headless Chromium (selenium's driver) for pages served elsewhere."""
    from selenium import webdriver

    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    driver_path = shutil.which("chromedriver")
    if browser is None or driver_path is None:
        missing("Chromium og chromedriver", "apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=driver_path))
    try:
        yield driver
    finally:
        driver.quit()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def axe_violations(driver) -> list[str]:
    """axe-core's violations on the page the driver shows, one line each."""
    if not AXE.is_file():
        missing(f"axe-core ({AXE.relative_to(ROOT)})", "npm install --prefix .ci/node axe-core@4")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))"
        ".catch(e => done(['axe failed: ' + e]));", AXE_TAGS)
    return found


def sideways_scroll(driver) -> int:
    """How many pixels the page scrolls sideways (0: none)."""
    return driver.execute_script("return document.scrollingElement.scrollWidth - window.innerWidth")


def check_site(site: Path) -> list[str]:
    """Every page at 1 280 and 320 px: axe-core's violations and sideways scrolling, as problems."""
    problems = []
    with chromium(site) as (driver, base):
        for page in pages(site):
            for width in WIDTHS:
                driver.set_window_size(width, 900)
                driver.get(base + page)
                problems += [f"{page} @ {width} px: {v}" for v in axe_violations(driver)]
                if (extra := sideways_scroll(driver)) > 0:
                    problems.append(f"{page} @ {width} px: the page scrolls {extra} px sideways")
    return problems
