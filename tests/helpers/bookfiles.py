"""Test helper: the book's sources with shortcodes resolved the way `_extensions/nhsp` does.

`{{< blokk NAME >}}` is replaced by `_generert/blokker/NAME.md` (image paths made relative
to the project root, as blokk.lua does) and `{{< var KEY >}}` by its value in
`_variables.yml`. This is only for checking that generated markdown parses and converts
with Pandoc; it does not stand in for Quarto (no crossrefs, callouts or landscape).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

SHORTCODE = re.compile(r"\{\{<\s*(blokk|var)\s+([^\s>]+)\s*>\}\}")


def book_files(root: Path) -> list[Path]:
    book = yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8"))["book"]
    entries = list(book["chapters"]) + list(book.get("appendices", []))
    files = []
    for entry in entries:
        if isinstance(entry, dict):  # a part with chapters
            files += [entry["part"]] if str(entry.get("part", "")).endswith(".qmd") else []
            files += entry.get("chapters", [])
        else:
            files.append(entry)
    return [root / f for f in files]


def resolve(root: Path, text: str) -> str:
    variables = json.loads((root / "_variables.yml").read_text(encoding="utf-8"))

    def value(key: str) -> str:
        node = variables
        for part in key.split("."):
            node = node[part]
        return str(node)

    def replace(m: re.Match) -> str:
        if m.group(1) == "var":
            return value(m.group(2))
        return (root / "_generert" / "blokker" / f"{m.group(2)}.md").read_text(encoding="utf-8")

    return SHORTCODE.sub(replace, text)


def whole_book(root: Path) -> str:
    return "\n\n".join(resolve(root, f.read_text(encoding="utf-8")) for f in book_files(root))
