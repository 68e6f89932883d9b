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
    """Raise FileOpen naming every file that Excel or LibreOffice has open (their lock files)."""
    open_ = [p for p in paths if any((p.parent / lock).exists() for lock in
                                     (f"~${p.name}", f"~${p.name[2:]}", f".~lock.{p.name}#"))]
    if open_:
        names = ", ".join(p.name for p in open_)
        raise FileOpen(f"{names} er åpen i Excel eller LibreOffice. Lukk filen og prøv igjen. Ingenting er endret.")
