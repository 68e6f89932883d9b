"""Test helper: run the installed `rapport` command as a writer would: in the project folder,
without path arguments, in its own process."""

import shutil
import subprocess
import sys
from pathlib import Path

RAPPORT = shutil.which("rapport", path=str(Path(sys.executable).parent)) or "rapport"


def rapport(project, *args) -> subprocess.CompletedProcess:
    return subprocess.run([RAPPORT, *args], capture_output=True, text=True, cwd=project)
