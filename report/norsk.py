"""Norwegian (bokmål) formats for numbers and dates, as the report writes them."""

from __future__ import annotations

import datetime as dt

MONTHS = [
    "januar", "februar", "mars", "april", "mai", "juni",
    "juli", "august", "september", "oktober", "november", "desember",
]
NBSP = "\u00a0"  # keeps "16 000" and "49,6 %" on one line


def format_number(value: float, decimals: int = 0) -> str:
    """16000 → '16 000', 49.6 → '49,6' (space as thousands separator, decimal comma)."""
    text = f"{value:,.{decimals}f}"
    if text.startswith("-"):
        text = "−" + text[1:]  # typographic minus
    return text.replace(",", NBSP).replace(".", ",")


def format_date(d: dt.date) -> str:
    """date(2022, 10, 19) → '19. oktober 2022'."""
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def format_date_short(d: dt.date) -> str:
    """date(2022, 9, 15) → '15.09.2022'."""
    return d.strftime("%d.%m.%Y")
