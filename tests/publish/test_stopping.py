"""Stopping Quarto (report/publish/quarto.py `stop_process`): it waits until nothing of Quarto's
process group runs, so no file is written after it returns, and no longer than that."""

import os
import subprocess
import time
from pathlib import Path

import pytest

from report.publish.quarto import _group_runs


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="the system has no /proc")
def test_a_process_that_has_ended_but_is_not_yet_reaped_no_longer_runs():
    """When Quarto's launcher ends, what Quarto started is adopted by the system's first process,
    which in a container may reap it late or never: stopping must not wait for that."""
    ended = subprocess.Popen(["true"], start_new_session=True)  # not reaped until wait()
    running = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while Path(f"/proc/{ended.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
            assert time.monotonic() < deadline
            time.sleep(0.01)
        os.killpg(ended.pid, 0)  # the system still counts it in its group
        assert not _group_runs(ended.pid)
        assert _group_runs(running.pid)
    finally:
        running.kill()
        running.wait()
        ended.wait()
    assert not _group_runs(running.pid)
