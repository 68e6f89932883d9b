"""The project's settings: `rapport.toml` at the project root."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONFIG_FILE = "rapport.toml"


@dataclass(frozen=True)
class Config:
    root: Path
    year: int
    date: dt.date
    title: str
    author: str
    contact: str = ""  # who readers ask about the report (the colophon)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"


def load_config(root: Path) -> Config:
    path = Path(root) / CONFIG_FILE
    with path.open("rb") as f:
        raw = tomllib.load(f)["rapport"]
    return Config(
        root=Path(root).resolve(),
        year=int(raw["aar"]),
        date=raw["dato"],
        title=str(raw["tittel"]),
        author=str(raw["forfatter"]),
        contact=str(raw.get("kontakt", "")),
    )
