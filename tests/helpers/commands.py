"""Test helper: run the `rapport` command as a writer does, following the README: the installed
command, in the project folder, with no path arguments."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def rapport(project, *args) -> subprocess.CompletedProcess:
    command = shutil.which("rapport", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.fail(f"the `rapport` command is not installed beside {sys.executable}: run pip install -e .")
    return subprocess.run([command, *args], capture_output=True, text=True, cwd=project)
