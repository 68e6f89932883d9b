"""Before a command changes writers' files: refuse when one is open, and keep timestamped copies
in data/sikkerhetskopi/."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path


def back_up(data_dir: Path, paths: list[Path], now: dt.datetime | None = None) -> tuple[Path, str]:
    """Copy each of `paths` to data_dir/sikkerhetskopi/<stem>-<stamp><suffix>; return the folder and stamp."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = data_dir / "sikkerhetskopi"
    folder.mkdir(exist_ok=True)
    for path in paths:
        shutil.copy2(path, folder / f"{path.stem}-{stamp}{path.suffix}")
    return folder, stamp


class FileOpen(Exception):
    pass


def refuse_open(paths: list[Path]) -> None:
    """Raise FileOpen naming every file that Excel or LibreOffice has open: its lock file, who
    holds it (both programs write the user's name in it) and what to do if the program is closed."""
    found = []
    for path in paths:
        for name in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#"):
            lock = path.parent / name
            if lock.exists():
                found.append(f"{path.name} er åpen{_holder(lock)} (låsefilen {lock.name} i {lock.parent.name}/)")
                break
    if found:
        raise FileOpen(f"{'; '.join(found)}. Lukk filen og prøv igjen. Er programmet allerede lukket (for "
                       "eksempel etter et krasj), er låsefilen blitt liggende: slett den, og prøv igjen. "
                       "Ingenting er endret.")


def _holder(lock: Path) -> str:
    """' i LibreOffice hos «Ola Nordmann» (siden 30.11.2026 14:03)', or as much of it as the lock tells."""
    try:
        data = lock.read_bytes()[:512]
    except OSError:
        return " i Excel eller LibreOffice"
    if lock.name.startswith(".~lock."):  # LibreOffice: "name,system user,host,time,profile;"
        fields = data.decode("utf-8", "replace").split(",")
        user = fields[0].strip() or (fields[1].strip() if len(fields) > 1 else "")
        since = f" (siden {fields[3].strip()})" if len(fields) > 3 and fields[3].strip() else ""
        return f" i LibreOffice hos «{user}»{since}" if user else " i LibreOffice"
    # Excel: the user's name, its length in the first byte
    user = data[1:1 + data[0]].decode("cp1252", "replace").strip() if data else ""
    return f" i Excel hos «{user}»" if user.isprintable() and user else " i Excel"
