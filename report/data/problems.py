"""Problems found in the writers' files, each tied to file › sheet › cell."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import Enum


class Level(Enum):
    ERROR = "feil"
    WARNING = "advarsel"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    sheet: str | None
    cell: str | None
    message: str
    level: Level = field(default=Level.ERROR, compare=False)

    def __str__(self) -> str:
        where = " › ".join(p for p in (self.file, self.sheet, self.cell) if p)
        return f"{where}: {self.message}"


@dataclass
class Problems:
    """Collects every problem of a run so a writer sees them all at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, file: str, sheet: str | None, cell: str | None, message: str) -> None:
        self.items.append(Problem(file, sheet, cell, message, Level.ERROR))

    def warning(self, file: str, sheet: str | None, cell: str | None, message: str) -> None:
        self.items.append(Problem(file, sheet, cell, message, Level.WARNING))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level is Level.WARNING]

    def __bool__(self) -> bool:
        return bool(self.errors)


class DataError(Exception):
    """Raised when the data has errors; carries all of them."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems.errors))


def problem_lines(problems: list[Problem]) -> list[str]:
    """Each problem as the commands show it: «FEIL: file › sheet › cell: what is expected»."""
    return [f"{p.level.value.upper()}: {p}" for p in problems]


def print_problems(problems: list[Problem], file=None) -> None:
    """Each problem on its own line (standard error by default)."""
    for line in problem_lines(problems):
        print(f"  {line}", file=file or sys.stderr)
