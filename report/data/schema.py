"""What the workbooks hold: sheets, columns (in order), kinds and controlled lists.

One place for the layout, used both to read the writers' workbooks and to write
new ones (sample data, innspill workbooks), with the help text for the
Veiledning sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    TEXT = "tekst"            # free text, may hold line breaks and bullet lists
    ID = "id"                 # short code, e.g. SAM-01
    CHOICE = "valg"           # one of `choices`
    YEAR = "år"               # four-digit year
    INT = "heltall"
    NUMBER = "tall"           # decimal comma and spaces accepted when stored as text
    DATE_OR_TEXT = "dato"     # Excel date or Norwegian date text; other text kept as text
    YES_NO = "ja/nei"
    PERIOD = "periode"        # 2022, 2022 T1, 2022 H1, 2022-09, 15.09.2022, 2019–2021


# Controlled lists. Keys are the values writers type; values are display names.
AREAS: dict[str, str] = {
    "samhandling": "Samhandling",
    "helsefellesskap": "Helsefellesskap",
    "pasienten som aktiv deltaker": "Pasienten som aktiv deltaker",
    "psykisk helse": "Psykisk helse",
    "akuttmedisin": "Akuttmedisinske tjenester",
    "teknologi": "Teknologi",
    "kompetanse": "Kompetanse",
    "finansiering": "Finansiering",
}
# What writers also write for an area: its name in the report and the 2022 publication's chapter
# titles. Read as the area, with a warning (as a value off by case or spaces).
AREA_ALIASES: dict[str, str] = {
    **{name: area for area, name in AREAS.items()},
    "Status og fremgang for helsefellesskap": "helsefellesskap",
    "Psykisk helsevern": "psykisk helse",
    "Akuttmedisinske tjenester": "akuttmedisin",
}
ASSIGNMENT_TYPES = ["opprinnelig", "tillegg", "oppfølging"]
STATUSES = ["Ikke startet", "I rute", "Forsinket", "Levert", "Avsluttet"]
COLOURS = ["grønn", "gul", "rød"]
TRENDS = ["bedre", "uendret", "verre"]
DIRECTIONS = ["høyere er bedre", "lavere er bedre", "ingen"]
GEO_LEVELS = ["land", "RHF", "helsefellesskap", "fylke", "kommune"]
RHFS = ["Helse Sør-Øst", "Helse Vest", "Helse Midt-Norge", "Helse Nord"]
YES_NO = ["ja", "nei"]


def area_slug(area: str) -> str:
    """'psykisk helse' → 'psykisk-helse': used in block names."""
    return area.replace(" ", "-")


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: Kind
    required: bool
    help: str
    choices: tuple[str, ...] = ()
    added: bool = False  # added after the first release: a workbook made before may lack it
    aliases: tuple[tuple[str, str], ...] = ()  # (another way to write a choice, the choice)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    help: str

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


@dataclass(frozen=True)
class Workbook:
    filename: str
    sheets: tuple[Sheet, ...]
    help: str


def _c(header, field, kind, required, help, choices=(), added=False):
    aliases = tuple(AREA_ALIASES.items()) if choices is AREAS else ()
    return Column(header, field, kind, required, help, tuple(choices), added, aliases)


ASSIGNMENTS = Sheet(
    "Oppdrag",
    (
        _c("ID", "id", Kind.ID, True, "Fast kode for oppdraget, den samme hvert år, f.eks. SAM-01."),
        _c("År", "year", Kind.YEAR, True, "Rapporteringsåret raden gjelder, f.eks. 2022."),
        _c("Tittel", "title", Kind.TEXT, True, "Oppdragets navn, slik det skal stå i rapporten."),
        _c("Område", "area", Kind.CHOICE, True, "Innsatsområdet i NHSP oppdraget hører til.", AREAS),
        _c("Type", "type", Kind.CHOICE, True, "Opprinnelig oppdrag, tilleggsoppdrag eller oppfølgingsoppdrag.", ASSIGNMENT_TYPES),
        _c("Frist", "deadline", Kind.DATE_OR_TEXT, False, "Frist som dato (15.09.2022) eller tekst (1. kvartal 2023)."),
        _c("Status", "status", Kind.CHOICE, True, "Status per oktober i rapporteringsåret.", STATUSES),
        _c("Farge", "colour", Kind.CHOICE, False, "Fremdrift som farge (valgfritt).", COLOURS),
        _c("Trend", "trend", Kind.CHOICE, False, "Retning fremover (valgfritt).", TRENDS),
        _c("Ansvarlig", "responsible", Kind.TEXT, True, "Avdelingen i Helsedirektoratet som rapporterer på oppdraget."),
        _c("Brukermedvirkning", "user_involvement", Kind.TEXT, False, "Hvordan brukere, pasienter og pårørende deltar."),
        _c("Arbeidsgruppe", "working_group", Kind.TEXT, False, "Arbeidsgruppe/egen referansegruppe (intern/ekstern representasjon)."),
        _c("Statusbeskrivelse", "status_text", Kind.TEXT, False, "Hva som er gjort og planen videre; effekt av covid-19; ressurser. Kulepunkter med «- » først på linjen."),
        _c("Estimert sluttføring", "estimated_completion", Kind.DATE_OR_TEXT, False, "Estimert tid for sluttføring: dato eller tekst («1. kvartal 2023», «Ikke avklart»)."),
        _c("Leveranse", "deliverable", Kind.TEXT, False, "Hva som leveres."),
        _c("Effekt", "effect", Kind.TEXT, False, "Tilsiktet effekt."),
        _c("Måles", "measured", Kind.TEXT, False, "Hvordan effekten måles."),
        _c("Usikkerhet", "uncertainty", Kind.TEXT, False, "Usikkerhet (Akseptabel, Liten, Noe, Ingen eller en setning)."),
        _c("Avhengigheter", "dependencies", Kind.TEXT, False, "Avhengigheter til annet arbeid."),
        _c("Delleveranse", "part", Kind.TEXT, False, "Navnet på en delleveranse, når et stort oppdrag rapporterer flere leveranser: "
           "én rad per delleveranse med samme ID og år (tom: raden gjelder hele oppdraget). Oversikten og tellingene "
           "bruker raden uten delleveranse, ellers den første.", added=True),
        _c("Referanse", "reference", Kind.TEXT, False, "Departementets referanse til oppdraget, f.eks. TB2022-44 "
           "(valgfritt). Står i parentes etter tittelen i rapporten.", added=True),
        _c("Overordnet status", "overall_status", Kind.TEXT, False, "Hvor arbeidet står samlet sett, i ett eller flere avsnitt "
           "(valgfritt). Står i vedlegg 7 som en rad over hele tabellens bredde, med fargen og trenden.", added=True),
    ),
    "Én rad per oppdrag per rapporteringsår (eller én per delleveranse).",
)

INDICATOR_CATALOGUE = Sheet(
    "Katalog",
    (
        _c("ID", "id", Kind.ID, True, "Fast kode for indikatoren, f.eks. C02."),
        _c("Navn", "name", Kind.TEXT, True, "Indikatorens navn; brukes som figurtekst."),
        _c("Enhet", "unit", Kind.TEXT, True, "Enheten verdiene er i, f.eks. prosent, døgn, antall."),
        _c("Område", "area", Kind.CHOICE, True, "Innsatsområdet indikatoren hører til.", AREAS),
        _c("Kilde", "source", Kind.TEXT, True, "Kilden for verdiene, f.eks. NPR."),
        _c("Mål", "target", Kind.NUMBER, False, "Måltall i planen, i samme enhet som verdiene (valgfritt)."),
        _c("Retning", "direction", Kind.CHOICE, True, "Om høyere eller lavere verdi er bedre, eller «ingen» når ingen retning er ønsket (f.eks. et tall som er redusert med vilje).", DIRECTIONS),
        _c("Desimaler", "decimals", Kind.INT, False, "Antall desimaler verdiene vises med (0 hvis tom)."),
        _c("Beskrivelse", "description", Kind.TEXT, False, "Kort forklaring av indikatoren."),
    ),
    "Én rad per indikator.",
)

INDICATOR_VALUES = Sheet(
    "Verdier",
    (
        _c("Indikator-ID", "indicator_id", Kind.ID, True, "ID fra arket Katalog."),
        _c("Periode", "period", Kind.PERIOD, True, "År (2022), tertial (2022 T1), halvår (2022 H1), måned (2022-09), dato (15.09.2022) eller årsspenn (2019–2021)."),
        _c("Geografinivå", "geo_level", Kind.CHOICE, True, "Nivået geografien er på.", GEO_LEVELS),
        _c("Geografi", "geo", Kind.TEXT, True, "Norge, et RHF, et helsefellesskap (navnet fra helsefellesskap.xlsx), fylke eller kommune."),
        _c("Verdi", "value", Kind.NUMBER, True, "Tallet, i enheten fra katalogen."),
        _c("Merknad", "note", Kind.TEXT, False, "Merknad til verdien."),
        _c("Kilde", "source", Kind.TEXT, False, "Kilde når den er en annen enn i katalogen. Oppdiktede eksempeltall merkes «illustrativ»."),
    ),
    "Én rad per indikator, periode og geografi (lang form).",
)

PARTNERSHIPS = Sheet(
    "Helsefellesskap",
    (
        _c("Nr", "number", Kind.INT, True, "Løpenummer 1–19."),
        _c("Navn", "name", Kind.TEXT, True, "Helsefellesskapets navn."),
        _c("Helseforetak", "health_trust", Kind.TEXT, True, "Helseforetaket (HF) i helsefellesskapet."),
        _c("RHF", "rhf", Kind.CHOICE, True, "Det regionale helseforetaket.", RHFS),
        _c("Antall kommuner", "municipalities", Kind.INT, False, "Antall kommuner i opptaksområdet."),
        _c("Første partnerskapsmøte", "first_meeting", Kind.DATE_OR_TEXT, False, "Dato for første partnerskapsmøte, eller år/måned."),
        _c("Merknad", "note", Kind.TEXT, False, "Merknad."),
    ),
    "Én rad per helsefellesskap.",
)

PARTNERSHIP_STATUS = Sheet(
    "Status",
    (
        _c("År", "year", Kind.YEAR, True, "Rapporteringsåret."),
        _c("Helsefellesskap", "partnership", Kind.TEXT, True, "Navnet fra arket Helsefellesskap."),
        _c("Formelt etablert", "established", Kind.YES_NO, True, "Om helsefellesskapet er formelt etablert.", YES_NO),
        _c("Kommunalt sekretariat", "secretariat", Kind.YES_NO, True, "Om kommunene har felles sekretariatsfunksjon.", YES_NO),
        _c("Statustekst", "status_text", Kind.TEXT, False, "Status og eksempler på arbeidet i året."),
        _c("Strategisk samarbeidsutvalg", "strategic_council", Kind.YES_NO, False, "Om strategisk samarbeidsutvalg (SSU) er etablert (tom: ikke oppgitt).", YES_NO, added=True),
        _c("Faglige samarbeidsutvalg", "professional_councils", Kind.YES_NO, False, "Om faglige samarbeidsutvalg (FSU) er etablert (tom: ikke oppgitt).", YES_NO, added=True),
        _c("Nettside", "website", Kind.TEXT, False, "Adressen til helsefellesskapets nettside, f.eks. https://… (tom: ikke oppgitt).", added=True),
    ),
    "Én rad per helsefellesskap per rapporteringsår.",
)

ASSIGNMENTS_BOOK = Workbook("oppdrag.xlsx", (ASSIGNMENTS,), "Status for Helsedirektoratets oppdrag under NHSP.")
INDICATORS_BOOK = Workbook("indikatorer.xlsx", (INDICATOR_CATALOGUE, INDICATOR_VALUES), "Indikatorer og verdiene deres.")
PARTNERSHIPS_BOOK = Workbook("helsefellesskap.xlsx", (PARTNERSHIPS, PARTNERSHIP_STATUS), "De 19 helsefellesskapene og status per år.")

WORKBOOKS = (ASSIGNMENTS_BOOK, INDICATORS_BOOK, PARTNERSHIPS_BOOK)
GUIDE_SHEET = "Veiledning"

# Vedlegg 7: one table per assignment, these columns in this order (display headers),
# each taken from the Oppdrag field named beside it.
APPENDIX7_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Brukermedvirkning", "user_involvement"),
    ("Arbeidsgruppe/egen referansegruppe (intern/ekstern representasjon)", "working_group"),
    ("Status", "status_text"),
    ("Estimert tid for sluttføring", "estimated_completion"),
    ("Leveranse", "deliverable"),
    ("Effekt", "effect"),
    ("Måles", "measured"),
    ("Usikkerhet", "uncertainty"),
    ("Avhengigheter", "dependencies"),
)

# Every text of an assignment that Vedlegg 7 prints: the columns, the delivery's name above its
# row and the full-width «Overordnet status» row under them.
APPENDIX7_TEXTS = APPENDIX7_COLUMNS + (("Delleveranse", "part"), ("Overordnet status", "overall_status"))

# The Status column's prompt under its header word: what the departments answer there (the
# 2022 wording without its covid-19 line). `statusledetekst` in rapport.toml replaces it.
STATUS_PROMPT = "Hva har skjedd og hva er planen fremover / Ressurssituasjon"

# Their widths in characters of the generated table, which every format takes as the columns'
# proportions: the same in every table, wide for the long texts (Status, Effekt), narrow for
# the short ones, and wide enough for each header word at the type size of the appendix.
APPENDIX7_WIDTHS = (36, 24, 40, 18, 24, 34, 22, 20, 24)

# The overview table in the Oppdrag chapter.
OVERVIEW_COLUMNS = ("Oppdrag", "Status og frist", "Fremdrift")
