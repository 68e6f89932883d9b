"""Timestamped copies of the files a command is about to change, in data/sikkerhetskopi/."""

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
