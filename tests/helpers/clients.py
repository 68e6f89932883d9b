"""The real clients the tests open outputs with (LibreOffice, poppler, Chromium, axe-core).

Where one is missing, its tests skip and say what to install, except in CI: `.ci/run` installs
them all and sets RAPPORT_KREV_KLIENTER=1, and there a missing client fails the test, so a broken
install can never pass as skipped tests.
"""

import os
import shutil
from pathlib import Path

import pytest

REQUIRED = os.environ.get("RAPPORT_KREV_KLIENTER") == "1"
CALC = Path("/usr/lib/libreoffice/program/libsclo.so")
_FOUND = {
    "soffice": lambda: shutil.which("soffice"),
    "calc": lambda: shutil.which("soffice") and CALC.exists(),
    "pdftotext": lambda: shutil.which("pdftotext"),
}
_INSTALL = {
    "soffice": "apt-get install libreoffice-writer-nogui",
    "calc": "apt-get install libreoffice-calc-nogui",
    "pdftotext": "apt-get install poppler-utils",
}


def missing(what: str, install: str) -> None:
    """Skip (or fail, where the clients are required) naming what is missing and how to get it."""
    message = f"{what} mangler ({install})"
    if REQUIRED:
        pytest.fail(f"{message}, men CI skal ha den: se .ci/run", pytrace=False)
    pytest.skip(message)


def require(*names: str) -> None:
    for name in names:
        if not _FOUND[name]():
            missing(name, _INSTALL[name])


def needs(*names: str):
    """A mark for tests that open an output with these clients (see `require`)."""
    return pytest.mark.clients(*names)
