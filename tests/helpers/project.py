"""Where the project and the test fixtures are, and a fresh copy of the project to build in."""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
_NOT_PROJECT = shutil.ignore_patterns(
    ".git", ".venv", "_bok", "_generert", "._generert*", "_variables.yml", "__pycache__",
    ".pytest_cache", "tests", "*.egg-info", ".quarto", ".bok-ny", ".bok-forrige", "node",
)


def copy_project(dest: Path) -> Path:
    """A fresh copy of the project (sample data, chapters, Quarto files) to build in."""
    shutil.copytree(ROOT, dest, ignore=_NOT_PROJECT)
    return dest
