"""Test helper: run the `rapport` command as a writer does, following the README: the installed
command, in the project folder, with no path arguments."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def rapport(project, *args) -> subprocess.CompletedProcess:
    return subprocess.run([_command(), *args], capture_output=True, text=True, cwd=project)


def start_rapport(project, *args) -> subprocess.Popen:
    """A command that runs until it is stopped (`rapport forhåndsvis`), its output in one pipe."""
    return subprocess.Popen([_command(), *args], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def _command() -> str:
    command = shutil.which("rapport", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.fail(f"the `rapport` command is not installed beside {sys.executable}: run pip install -e .")
    return command
