"""Every message a writer sees about the data, in one place so the wording stays consistent."""

import difflib
import os

_CUTOFF = 0.6  # difflib's ratio below which a name is not suggested

MESSAGES = {
    "missing_file": "filen mangler i data/",
    "not_xlsx": "er ikke en Excel-arbeidsbok (.xlsx). Åpne filen i Excel og lagre den som «Excel-arbeidsbok (.xlsx)»",
    "ole": "er en gammel .xls-fil eller er beskyttet med passord. Fjern passordet og lagre som «Excel-arbeidsbok (.xlsx)»",
    "broken_zip": "filen er skadet eller ufullstendig (kan ikke pakkes ut). Lagre den på nytt fra Excel",
    "too_big": "filen blir {mb} MB når den pakkes ut; grensen er {limit} MB. Er dette riktig fil?",
    "xml_attack": "filen inneholder XML som ikke er tillatt (entiteter/DTD). Lagre den på nytt fra Excel",
    "missing_sheet": "arket «{sheet}» mangler (filen har {present}){hint}",
    "sheet_name": "arket er lest som «{sheet}»; gi det navnet «{sheet}» (uten mellomrom først og sist)",
    "header_row": "kolonneoverskriftene står i rad {row}, men skal stå i rad 1. Slett radene over dem",
    "hidden_sheet": "skjult ark ignoreres",
    "missing_column": "kolonnen «{header}» mangler",
    "missing_added_column": "kolonnen «{header}» mangler (den er ny i år); feltet står tomt i rapporten. "
                            "Legg kolonnen til etter de andre (se arket Veiledning) for å få den med",
    "unknown_column": "ukjent kolonne «{header}» (kolonnene skal være: {expected})",
    "unknown_columns": "{count} ukjente kolonner ({first}–{last}); kolonnene skal være: {expected}",
    "duplicate_column": "kolonnen «{header}» finnes to ganger (også i {other})",
    "too_many_rows": "arket har {rows} rader; grensen er {limit}",
    "merged": "sammenslåtte celler ({range}) er ikke tillatt. Del opp cellene",
    "formula_no_value": "formelen «{formula}» har ingen lagret verdi. Åpne filen i Excel og lagre den på nytt",
    "required": "«{header}» må fylles ut",
    "choice": "«{value}» er ikke {noun} ({choices}){hint}",
    "normalised": "«{value}» er lest som «{normal}»",
    "choice_and_more": ". Skriv bare «{normal}» her, og resten («{rest}») i en av tekstkolonnene",
    "number": "«{value}» er ikke et tall",
    "integer": "«{value}» er ikke et heltall",
    "year": "«{value}» er ikke et årstall (for eksempel 2022)",
    "date": "«{value}» er ikke en gyldig dato (skriv dag.måned.år, for eksempel 31.12.2023)",
    "date_text": "«{value}» er lest som tekst, ikke som dato. Er det en dato, skriv dag.måned.år (31.12.2023)",
    "period": "«{value}» er ikke en gyldig periode (2022, 2022 T1, 2022 H1, 2022-09, 15.09.2022 eller 2019–2021)",
    "id": "«{value}» er ikke en gyldig ID (bare bokstaver A–Z, tall og bindestrek, for eksempel SAM-01)",
    "too_long": "«{header}» har {length} tegn; høyst {most} tegn er lov her. Skriv et kortere navn",
    "duplicate_id": "{what} «{value}» finnes flere ganger{scope} (også i {other})",
    "unknown_indicator": "ukjent indikator «{value}» (finnes ikke i arket Katalog){hint}",
    "unknown_partnership": "ukjent helsefellesskap «{value}» (finnes ikke i arket Helsefellesskap){hint}",
}


# How a controlled column is named in "«x» er ikke …" (Norwegian nouns differ in gender).
CHOICE_NOUNS = {
    "Område": "et gyldig område",
    "Type": "en gyldig type",
    "Status": "en gyldig status",
    "Farge": "en gyldig farge",
    "Trend": "en gyldig trend",
    "Retning": "en gyldig retning",
    "Geografinivå": "et gyldig geografinivå",
    "RHF": "et gyldig RHF",
}


def choice_noun(header: str) -> str:
    return CHOICE_NOUNS.get(header, f"en gyldig verdi for «{header}»")


def msg(key: str, **kwargs) -> str:
    return MESSAGES[key].format(**kwargs)


def _fold(name: str) -> str:
    return name.casefold().replace("å", "aa").replace("ø", "o").replace("æ", "ae")


def close_names(name: str, known: set[str]) -> list[str]:
    """The known names nearest to `name`: at most three, and only those about as close as the
    best one (so «sist» suggests «A10.siste», not every indicator's). «år» matches «aar»."""
    # What all known names share («Helsefellesskap …») says nothing: compare what tells them apart.
    # With one known name, what it shares with `name` is left out instead.
    shared = len(os.path.commonprefix([_fold(k) for k in known] + ([] if len(known) > 1 else [_fold(name)])))
    if not _fold(name).startswith(_fold(next(iter(known), ""))[:shared]):
        shared = 0
    scored = sorted((-difflib.SequenceMatcher(None, _fold(name)[shared:], _fold(k)[shared:]).ratio(), k)
                    for k in known)
    best = -scored[0][0] if scored else 0
    return [k for score, k in scored[:3] if -score >= max(_CUTOFF, best - 0.05)]


def did_you_mean(name: str, known) -> str:
    """'. Mente du «x»?' for the known names nearest to `name` (ending a message), or ''."""
    close = close_names(str(name), set(known))
    return f". Mente du {' eller '.join(f'«{c}»' for c in close)}?" if close else ""
