"""Norwegian (bokmål) formats for numbers and dates, as the report writes them."""

from __future__ import annotations

import datetime as dt
import re

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


def join_and(items: list[str]) -> str:
    """["a", "b", "c"] → "a, b og c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


# bokmål's short month names, for a figure's axis where the whole name takes too much room
MONTHS_SHORT = ["jan.", "feb.", "mars", "apr.", "mai", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "des."]


def axis_label(period) -> str:
    """A period on a figure's axis: a month as 'sep. 2021' (never '2021-09'), else as the report
    writes it ('2022', '2022 T1', '15.09.2022', '2019–2021')."""
    if period.kind == "month":
        return f"{MONTHS_SHORT[period.start.month - 1]} {period.start.year}"
    return period.label


def format_period(period) -> str:
    """A period (report.data.periods.Period) as prose writes it: '2022', '1. tertial 2022',
    '2. halvår 2020', '3. kvartal 2022', 'mars 2022', '2019–2021', '1. mai 2022'."""
    start = period.start
    if period.kind == "date":
        return format_date(start)
    if period.kind == "month":
        return f"{MONTHS[start.month - 1]} {start.year}"
    months = {"tertial": 4, "half": 6, "quarter": 3}.get(period.kind)
    if months:
        word = {"tertial": "tertial", "half": "halvår", "quarter": "kvartal"}[period.kind]
        return f"{(start.month - 1) // months + 1}. {word} {start.year}"
    return period.label


def format_value(value: float, decimals: int, unit: str) -> str:
    """49.6, 'prosent' → '49,6 %'; 16000, 'antall pasienter' → '16 000 pasienter' (no line break inside)."""
    number = format_number(value, decimals)
    short = {"prosent": "%", "antall": "", "kroner": "kr", "endring i prosent": "% endring"}.get(unit)
    if short is None:
        short = unit.removeprefix("antall ")
    return f"{number}{NBSP}{short}" if short else number


# A quotation mark that opens (at the start or after a space or bracket, before a non-space) and
# one that closes it (after a non-space, not before a letter): an apostrophe inside a word
# («Nord's») is neither. A quotation holds no other mark of its kind and no line break, and is at
# most 400 characters, so no cell can make the search slow.
_DOUBLE = re.compile(r"""(?<![\w])["“„](?=\S)([^"“”„\n]{1,400}?)(?<=\S)["”“](?![\w])""")
_SINGLE = re.compile(r"""(?<![\w])'(?=\S)([^'\n]{1,400}?)(?<=\S)'(?![\w])""")


def quotes(text: str) -> str:
    """Quotation marks as bokmål sets them: "x" and 'x' become «x», and a quotation inside one
    ‘x’. For text from the workbooks, typed with whatever marks the keyboard gave."""
    text = _DOUBLE.sub(lambda m: "«" + _SINGLE.sub(r"‘\1’", m[1]) + "»", text)
    return _SINGLE.sub(r"«\1»", text)


_WORDS = ("ingen", "én", "to", "tre", "fire", "fem", "seks", "sju", "åtte", "ni", "ti", "elleve", "tolv")


def number_word(count: int, neuter: bool = False) -> str:
    """A count as bokmål writes it in running text: in words up to twelve («én», «tre»; «ett»
    for a neuter noun such as «oppdrag»), in digits above («16»). Zero is «ingen»."""
    if count == 1 and neuter:
        return "ett"
    return _WORDS[count] if 0 <= count < len(_WORDS) else format_number(count)


def counted_sentence(counts: list[tuple[int, str]], noun: tuple[str, str, str], verb: str, where: str) -> str:
    """One sentence for how many of a whole are in each state, naming only states that have any:
    «Av de tre oppdragene på området er ett levert og to i rute.», «Begge oppdragene på området
    er i rute.», «Det ene oppdraget på området er levert.». `noun` is (the definite singular, the
    definite plural, neuter or not as "n"/""), e.g. ("oppdraget", "oppdragene", "n")."""
    singular, plural, gender = noun
    neuter = gender == "n"
    whole = sum(n for n, _ in counts)
    where = f" {where}" if where else ""
    present = [(n, state) for n, state in counts if n]
    if whole == 0:
        return f"Det er ingen {plural.removesuffix('ene').removesuffix('ne')}{where}."
    if whole == 1:
        return f"Det{' ene' if neuter else 'n ene'} {singular}{where} {verb} {present[0][1]}."
    if len(present) == 1:
        every = f"Begge {plural}" if whole == 2 else f"Alle de {_in_sentence(whole, whole)} {plural}"
        return f"{every}{where} {verb} {present[0][1]}."
    parts = [f"{_in_sentence(n, whole, neuter)} {state}" for n, state in present]
    return f"Av de {_in_sentence(whole, whole)} {plural}{where} {verb} " + join_and(parts) + "."


def _in_sentence(count: int, whole: int, neuter: bool = False) -> str:
    """Counts of one whole are written alike: in words when the whole is twelve or less, else
    all in digits («3 av 14», not «tre av 14»)."""
    return number_word(count, neuter) if whole <= 12 else format_number(count)


def share_in_words(part: int, whole: int, noun: str, plural: str, what: str) -> str:
    """«én av tre indikatorer i riktig retning», «alle de tre indikatorene …», «begge
    indikatorene …», «ingen av de tre indikatorene …», «den ene indikatoren …»: never «0 av 3».
    `plural` is the definite plural."""
    n = _in_sentence
    if whole == 1:
        return f"den ene {noun}en {what}".strip() if part else f"den ene {noun}en ikke {what}".strip()
    if part == whole:
        return f"begge {plural} {what}".strip() if whole == 2 else f"alle de {n(whole, whole)} {plural} {what}".strip()
    if part == 0:
        return f"ingen av de {n(whole, whole)} {plural} {what}".strip()
    return f"{n(part, whole)} av {n(whole, whole)} {noun}er {what}".strip()


_ISO_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")


def dates_in_text(text: str) -> str:
    """A date typed as 2022-06-08 in running text, as bokmål writes it: «8. juni 2022»."""
    def date(m: re.Match) -> str:
        try:
            return format_date(dt.date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:  # not a date after all
            return m[0]

    return _ISO_DATE.sub(date, text)
