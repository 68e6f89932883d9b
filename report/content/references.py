"""Which generated blocks and variables the chapters use, checked before Quarto runs.

A misspelt block name fails the build with the chapter, the line and the closest
existing names, instead of a Lua error deep inside a render. A variable the data has no
value for, and text still marked unfinished, are warnings naming the chapter and line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from report.data.config import NOT_BOOK
from report.data.messages import close_names
from report.data.problems import Problems

_SHORTCODE = re.compile(r"(?<!\{)\{\{<\s*(blokk|var)\s+([^\s>]*)\s*>\}\}")
MISSING = "–"  # what `variables.variables` gives for a value the data lacks
UNFINISHED = "[UFERDIG]"  # the writers' marker for unfinished text (README)
_PLACEHOLDER = re.compile(r"Skriv her|" + re.escape(UNFINISHED), re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    file: str  # relative to the project root, with forward slashes
    line: int
    kind: str  # "blokk" | "var"
    name: str


def sources(root: Path) -> list[Path]:
    """The project's chapters: every .qmd but those in folders that are not the book's, and in
    folders Quarto leaves alone (hidden, or named with "_" first), where the copies `rapport bygg`
    and `rapport forhåndsvis` render and the generated files lie. Those are never walked."""
    found = []
    for folder, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith((".", "_")) and f not in NOT_BOOK)
        found += [Path(folder, f) for f in files if f.endswith(".qmd") and not f.startswith(".")]
    return sorted(found)


def chapter_text(path: Path) -> str:
    """A chapter's text; bytes that are not UTF-8 (a file saved in another encoding) are replaced,
    and `chapters.check_chapters` says which file to save again."""
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def find_references(root: Path) -> list[Reference]:
    refs = []
    for path in sources(root):
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(chapter_text(path).splitlines(), start=1):
            for m in _SHORTCODE.finditer(line):
                refs.append(Reference(rel, number, m.group(1), m.group(2)))
    return refs


def flatten(variables: dict, prefix: str = "") -> dict[str, str]:
    """{'oppdrag': {'levert': '7'}} → {'oppdrag.levert': '7'}: the names chapters use."""
    flat = {}
    for key, value in variables.items():
        path = f"{prefix}{key}"
        flat.update(flatten(value, f"{path}.") if isinstance(value, dict) else {path: value})
    return flat


def find_placeholders(root: Path) -> Problems:
    """A warning for every line still holding «Skriv her …» or the unfinished marker."""
    problems = Problems()
    for path in sources(root):
        rel = path.relative_to(root).as_posix()
        for number, line in enumerate(chapter_text(path).splitlines(), start=1):
            m = _PLACEHOLDER.search(line)
            if m:
                text = line[m.start():].strip()
                text = text if len(text) <= 70 else text[:69] + "…"
                problems.warning(rel, None, f"linje {number}", f"uferdig tekst: «{text}»")
    return problems


def check_references(refs: list[Reference], blocks: set[str], variables: dict) -> Problems:
    problems = Problems()
    values = flatten(variables)
    known = {"blokk": blocks, "var": set(values)}
    noun = {"blokk": "blokken", "var": "variabelen"}
    for ref in refs:
        if ref.kind == "var" and values.get(ref.name) == MISSING:
            problems.warning(ref.file, None, f"linje {ref.line}",
                             f"variabelen «{ref.name}» har ingen verdi i dataene og vises som «{MISSING}». "
                             "Legg inn tallet i regnearket, eller bruk en variabel med verdi "
                             "(rapport sjekk --variabler).")
        if ref.name in known[ref.kind]:
            continue
        close = close_names(ref.name, known[ref.kind])
        hint = f" Mente du {' eller '.join(f'«{c}»' for c in close)}?" if close else ""
        problems.error(
            ref.file, None, f"linje {ref.line}",
            f"{noun[ref.kind]} «{ref.name}» finnes ikke.{hint}",
        )
    return problems
