"""Writing a file so that nobody ever finds it half-written."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` beside `path`, then put it in place in one step. On failure `path` is as it
    was and nothing is left behind."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class Locked(Exception):
    """Another process holds the lock; the lock file's text says who (see `locked`)."""

    def __init__(self, holder: str):
        super().__init__(holder)
        self.holder = holder


@contextlib.contextmanager
def locked(path: Path, wait: bool = True, holder: str = ""):
    """An exclusive lock on `path` (made if missing) for the time of the block. With
    `wait=False`, raise `Locked` at once if another process holds it. `holder` is written into
    the file while the lock is held, so the one refused can be told who has it; the lock ends
    with the process, so a crash never leaves it held."""
    with open(path, "a+b") as handle:
        try:
            _lock(handle, wait)
        except OSError:
            handle.seek(0)
            raise Locked(handle.read().decode("utf-8", "replace").strip()) from None
        try:
            if holder:
                handle.seek(0)
                handle.truncate()
                handle.write(holder.encode("utf-8"))
                handle.flush()
            yield
        finally:
            if holder:
                handle.truncate(0)
            _unlock(handle)


def _lock(handle, wait: bool) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))


def _unlock(handle) -> None:
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_UN)
