"""Which generated blocks and variables the chapters use, checked before Quarto runs.

A misspelt block name fails the build with the chapter, the line and the closest
existing names, instead of a Lua error deep inside a render.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from report.problems import Problems

_SHORTCODE = re.compile(r"(?<!\{)\{\{<\s*(blokk|var)\s+([^\s>]*)\s*>\}\}")
_SKIP_DIRS = {"_bok", "_generert", ".venv", ".quarto", "_extensions"}


@dataclass(frozen=True)
class Reference:
    file: str  # relative to the project root, with forward slashes
    line: int
    kind: str  # "blokk" | "var"
    name: str


def _sources(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.qmd")
        if not _SKIP_DIRS.intersection(p.relative_to(root).parts) and not p.name.startswith(".")
    )


def find_references(root: Path) -> list[Reference]:
    refs = []
    for path in _sources(root):
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for m in _SHORTCODE.finditer(line):
                refs.append(Reference(rel, number, m.group(1), m.group(2)))
    return refs


def _flatten(variables: dict, prefix: str = "") -> set[str]:
    keys = set()
    for key, value in variables.items():
        path = f"{prefix}{key}"
        keys |= _flatten(value, f"{path}.") if isinstance(value, dict) else {path}
    return keys


def check_references(refs: list[Reference], blocks: set[str], variables: dict) -> Problems:
    problems = Problems()
    known = {"blokk": blocks, "var": _flatten(variables)}
    noun = {"blokk": "blokken", "var": "variabelen"}
    for ref in refs:
        if ref.name in known[ref.kind]:
            continue
        close = difflib.get_close_matches(ref.name, sorted(known[ref.kind]), n=3, cutoff=0.6)
        hint = f" Mente du {' eller '.join(f'«{c}»' for c in close)}?" if close else ""
        problems.error(
            ref.file, None, f"linje {ref.line}",
            f"{noun[ref.kind]} «{ref.name}» finnes ikke.{hint}",
        )
    return problems
