"""Test helper: run the `rapport` command as a writer does, following the README: the installed
command, in the project folder, with no path arguments."""

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest


def rapport(project, *args) -> subprocess.CompletedProcess:
    return subprocess.run([_command(), *args], capture_output=True, text=True, cwd=project)


def start_rapport(project, *args, **popen) -> subprocess.Popen:
    """A command that runs until it is stopped (`rapport forhåndsvis`), its output in one pipe
    unless `popen` says otherwise. Ctrl-C reaches it as in a terminal, also where the tests were
    started with it ignored (a job put in the background by a shell without job control)."""
    return subprocess.Popen([_command(), *args], cwd=project, text=True, preexec_fn=_ctrl_c_as_in_a_terminal,
                            **({"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT} | popen))


def _ctrl_c_as_in_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _command() -> str:
    command = shutil.which("rapport", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.fail(f"the `rapport` command is not installed beside {sys.executable}: run pip install -e .")
    return command
