import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_NOT_PROJECT = shutil.ignore_patterns(
    ".git", ".venv", "_bok", "_generert", "._generert*", "_variables.yml", "__pycache__",
    ".pytest_cache", "tests", "*.egg-info", ".quarto", ".bok-ny", ".bok-forrige",
)


def copy_project(dest: Path) -> Path:
    """A fresh copy of the project (sample data, chapters, Quarto files) to build in."""
    shutil.copytree(ROOT, dest, ignore=_NOT_PROJECT)
    return dest


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "prosjekt")
