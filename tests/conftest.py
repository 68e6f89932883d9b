import subprocess
import sys
from pathlib import Path

import pytest
from helpers.clients import require
from helpers.project import copy_project


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "prosjekt")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The sample report built once with a real Quarto, as a writer builds it (`rapport bygg` in
    the project folder): (project, result). Tests that use it skip where Quarto is missing."""
    from report.publish.quarto import find_quarto

    if find_quarto() is None:
        pytest.skip("quarto er ikke installert på denne maskinen")
    project = copy_project(tmp_path_factory.mktemp("quarto") / "prosjekt")
    rapport = str(Path(sys.executable).parent / "rapport")
    result = subprocess.run([rapport, "bygg"], cwd=project, capture_output=True, text=True, timeout=1200)
    return project, result


def pytest_configure(config):
    config.addinivalue_line("markers", "clients(*names): the real clients the test needs (helpers/clients.py)")


def pytest_runtest_setup(item):
    for mark in item.iter_markers("clients"):
        require(*mark.args)
