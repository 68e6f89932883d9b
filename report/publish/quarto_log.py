"""Quarto's output, as a writer needs it: the progress per file, and at the end, in bokmål, the
warnings that matter (a reference that does not resolve, a missing picture or file). The
settings Quarto prints for every format (some 80 lines of English) are kept for `--detaljer`
and for a failed build, not shown otherwise."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # Quarto colours its output even into a pipe
_SETTINGS = {"pandoc", "metadata"}  # a block of indented `key: value` lines follows each
_WARNING = re.compile(r"^\s*(\[WARNING\]|WARNING|WARN\b)[:\s]*(?:\([^)]*\)\s*)?(.*)$")
_ERROR = re.compile(r"^(\[\w+\] )?\s*(ERROR|\[ERROR\]|error)\b")  # with its format's name, in a failed build
# Said in the README instead: Typst checks PDF/UA itself; veraPDF would only check again.
_NOT_SHOWN = re.compile(r"^\s*Output created:|verapdf|^Standards requested:")
# Where in Quarto's own code an error came from: for Quarto's developers, not for a writer.
_STACK = re.compile(r"^(\[\w+\] )?(Stack trace:|\s+at .*(file|https?|ext):/)")
_TRANSLATIONS = (
    (re.compile(r"Unable to resolve crossref @(\S+)"), "henvisningen «@{0}» viser ikke til noe og vises som «?@{0}»"),
    (re.compile(r"Could not fetch resource '?([^':]+?)'?(?::|$)"), "finner ikke bildet eller filen «{0}»"),
    (re.compile(r"[Ff]ile '?([^' ]+?)'? not found"), "finner ikke filen «{0}»"),
    (re.compile(r"Could not convert image '?([^':]+?)'?(?::|$)"),
     "bildet «{0}» kunne ikke gjøres om for Word (lagre det også som PNG)"),
    (re.compile(r"could not find file (\S+)"), "finner ikke filen «{0}» som et kapittel tar med"),
    (re.compile(r"file not found \(searched at ([^)]+)\)"), "finner ikke filen «{0}»"),
)


class QuartoLog:
    def __init__(self, details: bool = False, out=None, copy: Path | None = None):
        """`copy`: the folder Quarto renders in, named as the project in what is shown."""
        self.details = details
        self._copy = f"{Path(copy).resolve()}{os.sep}" if copy else None
        self.out = out or sys.stdout
        self.lines: list[str] = []
        self.warnings: list[str] = []
        self._in_settings = False

    def add(self, line: str) -> None:
        line = _COLOUR.sub("", line.rstrip("\n"))
        if self._copy:
            line = line.replace(self._copy, "")
        self.lines.append(line)
        if self.details:
            print(line, file=self.out, flush=True)
        stripped = line.strip()
        if stripped in _SETTINGS:
            self._in_settings = True
            return
        if self._in_settings and (not stripped or line[:1].isspace()):
            return
        self._in_settings = False
        if m := _WARNING.match(line):
            if not _NOT_SHOWN.search(line):
                self.warnings.append(m.group(2).strip())
            return
        if self.details or not stripped or _NOT_SHOWN.search(line) or _STACK.match(line):
            return
        print(line, file=self.out, flush=True)

    def print_warnings(self) -> None:
        said = list(dict.fromkeys(translate(w) for w in self.warnings if w))
        if said:
            print(f"{len(said)} advarsler fra Quarto (rett dem i kapitlene; «rapport bygg --detaljer» viser alt):",
                  file=self.out)
            for text in said:
                print(f"  ADVARSEL: {text}", file=self.out)

    def print_failure(self) -> None:
        """Quarto's own error lines with what led up to them, when the build failed."""
        if not self.details:
            errors = [i for i, line in enumerate(self.lines) if _ERROR.match(line)]
            start = max(0, (errors[0] if errors else len(self.lines)) - 10)
            shown = [line for line in self.lines[start:] if line.strip() and not _STACK.match(line)]
            print("Quartos melding:", file=sys.stderr)
            for line in shown[-40:]:
                print(f"  {line}", file=sys.stderr)
        self.print_warnings()


def translate(warning: str) -> str:
    for pattern, text in _TRANSLATIONS:
        if m := pattern.search(warning):
            return text.format(*m.groups())
    return f"Quarto: {warning}"
