import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_NOT_PROJECT = shutil.ignore_patterns(
    ".git", ".venv", "_bok", "_generert", "._generert*", "_variables.yml", "__pycache__",
    ".pytest_cache", "tests", "*.egg-info", ".quarto", ".bok-ny", ".bok-forrige", "node",
)


def copy_project(dest: Path) -> Path:
    """A fresh copy of the project (sample data, chapters, Quarto files) to build in."""
    shutil.copytree(ROOT, dest, ignore=_NOT_PROJECT)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "prosjekt")


@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The sample report built once with a real Quarto, as a writer builds it (`rapport bygg` in
    the project folder): (project, result). Tests that use it skip where Quarto is missing."""
    from report.render import find_quarto

    if find_quarto() is None:
        pytest.skip("quarto er ikke installert på denne maskinen")
    project = copy_project(tmp_path_factory.mktemp("quarto") / "prosjekt")
    rapport = str(Path(sys.executable).parent / "rapport")
    result = subprocess.run([rapport, "bygg"], cwd=project, capture_output=True, text=True, timeout=1200)
    return project, result
