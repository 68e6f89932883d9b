"""Test helper: run the `rapport` command as a writer would, in its own process."""

import subprocess
import sys


def rapport(project, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "report", "--prosjekt", str(project), *args],
                          capture_output=True, text=True, cwd=project)
