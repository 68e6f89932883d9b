"""The `rapport` command (also `python -m report`). Help texts are in bokmål."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path

from report.data import schema
from report.data.config import CONFIG_FILE
from report.data.problems import DataError, print_problems
from report.workflow.backup import FileOpen


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "bruk: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its own words in bokmål: usage, headings, -h and the common errors."""

    _ERRORS = (
        (re.compile(r"the following arguments are required: (.*)"), r"mangler \1"),
        (re.compile(r"argument (\S+): invalid choice: (\S+) \(choose from (.*)\)"), r"ukjent \1 \2 (velg en av: \3)"),
        (re.compile(r"argument (\S+): invalid int value: (\S+)"), r"\1 må være et heltall, ikke \2"),
        (re.compile(r"unrecognized arguments: (.*)"), r"ukjente argumenter: \1"),
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs, add_help=False, formatter_class=_Formatter)
        self._positionals.title = "argumenter"
        self._optionals.title = "valg"
        self.add_argument("-h", "--help", action="help", help="vis denne hjelpeteksten")

    def error(self, message: str):
        for pattern, norwegian in self._ERRORS:
            message = pattern.sub(norwegian, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: feil: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rapport",
        description="Verktøy for statusrapporten for Nasjonal helse- og sykehusplan.",
    )
    parser.add_argument(
        "--prosjekt", type=Path, metavar="MAPPE",
        help="prosjektmappen (der rapport.toml ligger); standard er mappen du står i eller den nærmeste over",
    )
    sub = parser.add_subparsers(dest="kommando", metavar="KOMMANDO", required=True)
    check = sub.add_parser("sjekk", help="kontroller regnearkene i data/ og vis et sammendrag eller feilene, "
                                         "og hvor kapitlene har uferdig tekst")
    check.add_argument("--variabler", nargs="?", const="", metavar="TEKST",
                       help="vis alle variablene kapitlene kan bruke, med verdiene fra dataene nå; "
                            "med TEKST bare de som har TEKST i navnet (f.eks. A10)")
    sub.add_parser(
        "generer",
        help="lag tabeller, figurer og tall til kapitlene i _generert/ (kjøres av Quarto før hver render)",
    )
    build = sub.add_parser("bygg", help="lag hele rapporten (HTML, PDF og Word) med Quarto")
    build.add_argument("--detaljer", action="store_true",
                       help="vis alt Quarto skriver underveis (også innstillingene for hvert format)")
    build.add_argument("--endelig", action="store_true",
                       help="lag den endelige versjonen: nekter (og lar _bok/ være) så lenge noe er uferdig, "
                            "mangler verdi, mangler svar fra innspillsrunden eller har feil")
    view = sub.add_parser("forhåndsvis", aliases=["forhandsvis"],
                          help="vis nettsidene i nettleseren og hold dem oppdatert mens du skriver (kapitler og regneark)")
    view.add_argument("--port", type=int, help="porten forhåndsvisningen vises på (ellers velges en ledig port)")
    view.add_argument("--no-browser", action="store_true", help="ikke åpne nettleseren (adressen skrives ut)")
    view.add_argument("--pdf", action="store_true", help="vis og oppdater PDF-en i stedet for nettsidene")
    changes = sub.add_parser("endringer", help="vis tallene og tabellcellene som er endret siden forrige bygging")
    changes.add_argument("--mot", type=Path, metavar="MAPPE",
                         help="sammenlign med en annen versjon: en mappe med tall.json (en kopi av _bok/, "
                              "eller utgivelser/ÅR for fjorårets rapport)")
    changes.add_argument("--til", type=Path, metavar="FIL.xlsx", help="skriv endringene også til et regneark")
    comments = sub.add_parser("kommentarer", help="list kommentarene fra en gjennomlesning (Word-filer og PDF-er) "
                                                  "med kapittel og linje eller regnearkcelle der hver hører hjemme")
    comments.add_argument("filer", nargs="+", type=Path, metavar="FIL",
                          help="Word-filer (.docx) og PDF-er med kommentarer, sporede endringer eller merknader")
    comments.add_argument("--til", type=Path, metavar="FIL.xlsx",
                          help="skriv kommentarene også til et regneark, én rad per kommentar, med kolonnen «Gjort»")
    new_year = sub.add_parser("nytt-aar", help="rull prosjektet fram til et nytt rapporteringsår")
    new_year.add_argument("aar", type=int, metavar="ÅR", help="det nye rapporteringsåret, f.eks. 2023")
    new_year.add_argument("--dato", type=_date, metavar="DD.MM.ÅÅÅÅ",
                          help="datoen den nye rapporten leveres (spørres om når den mangler og du skriver i et vindu)")
    innspill = sub.add_parser("innspill", help="samle inn status fra avdelingene med ett regneark per avdeling")
    steps = innspill.add_subparsers(dest="steg", metavar="STEG", required=True)
    make = steps.add_parser("lag", help="lag ett innspillsark per ansvarlig avdeling for rapporteringsåret")
    make.add_argument("--til", type=Path, metavar="MAPPE",
                      help="mappen arkene skrives til; standard er innspill/ÅR i prosjektmappen")
    read = steps.add_parser("les", help="før de utfylte innspillsarkene inn i data/oppdrag.xlsx")
    read.add_argument("mappe", type=Path, metavar="MAPPE", help="mappen med de utfylte innspillsarkene")
    read.add_argument("--bare-vis", action="store_true", help="vis hva som ville blitt endret, uten å skrive noe")
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%d.%m.%Y").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» er ikke en dato som 18.10.2023") from None


def _ask_date(year: int) -> dt.date | None:
    """The new report's date, asked for in a terminal (empty: set it later)."""
    if not sys.stdin.isatty():
        return None
    while True:
        answer = input(f"Datoen rapporten for {year} leveres (DD.MM.ÅÅÅÅ, tom for å sette den senere): ").strip()
        if not answer:
            return None
        try:
            return _date(answer)
        except argparse.ArgumentTypeError as e:
            print(e)


def find_project(start: Path) -> Path | None:
    """The project folder: `start` or the nearest folder above it with rapport.toml, as git finds
    its repository (so a command run in chapters/ works)."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return None


def _generate(root: Path) -> int:
    from report.build import build

    start = time.perf_counter()
    try:
        result = build(root)
    except DataError as e:
        print(f"Rapporten ble ikke generert: {len(e.problems.errors)} feil må rettes først.", file=sys.stderr)
        print_problems(e.problems.errors + e.problems.warnings)
        return 1
    print_problems(list(result.warnings), file=sys.stdout)
    seconds = f"{time.perf_counter() - start:.1f}".replace(".", ",")
    print(f"Generert {len(result.blocks)} blokker og {len(result.figures)} figurer på {seconds} s. "
          f"Siden sist: {len(result.read)} av {len(schema.WORKBOOKS)} regneark lest på nytt"
          + (f" ({', '.join(result.read)})" if result.read else "")
          + f", {len(result.made)} blokker og {len(result.drawn)} figurer laget på nytt.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    if not (sys.argv[1:] if argv is None else argv):  # `rapport` alone: what it can do
        parser.print_help()
        return 2
    args = parser.parse_args(argv)
    root = args.prosjekt.resolve() if args.prosjekt else find_project(Path.cwd())
    if root is None:
        print(f"Finner ikke prosjektmappen (mappen med {CONFIG_FILE}) i {Path.cwd()} eller mappene over. "
              "Gå til prosjektmappen, og kjør kommandoen der.", file=sys.stderr)
        return 2
    try:
        return _run(args, root)
    except DataError as e:  # settings a command cannot start without (rapport.toml, _quarto.yml)
        print(f"«rapport {args.kommando}» stoppet: {len(e.problems.errors)} feil må rettes først.", file=sys.stderr)
        print_problems(e.problems.errors)
        return 1


def _run(args: argparse.Namespace, root: Path) -> int:
    if args.kommando == "sjekk":
        from report.check import run_check

        return run_check(root, args.variabler)
    if args.kommando == "generer":
        return _generate(root)
    if args.kommando == "bygg":
        return _build(root, args.detaljer, args.endelig)
    if args.kommando in ("forhåndsvis", "forhandsvis"):
        from report.preview import preview

        return preview(root, args.port, not args.no_browser, args.pdf)
    if args.kommando == "endringer":
        return _changes(root, args.mot, args.til)
    if args.kommando == "kommentarer":
        return _comments(root, args.filer, args.til)
    if args.kommando == "nytt-aar":
        return _roll_over(root, args.aar, args.dato or _ask_date(args.aar))
    if args.kommando == "innspill":
        return _innspill(root, args)
    return 2


def _build(root: Path, details: bool, final: bool) -> int:
    from report.publish.quarto import render

    if not final:
        return render(root, details)
    from report.workflow.release import finish, gate

    found = gate(root)
    if found.reasons:
        print(f"Den endelige versjonen ble ikke laget: {len(found.reasons)} ting må rettes først "
              "(i dataene eller kapitlene). _bok/ er ikke endret.", file=sys.stderr)
        print_problems(found.reasons)
        return 1
    code = render(root, details, final=True)
    if code == 0:
        print("\n".join(finish(root, found)))
    return code


def _changes(root: Path, against: Path | None, target: Path | None) -> int:
    from report.workflow.compare import CompareError, run

    try:
        code, lines = run(root, against, target)
    except CompareError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"Kunne ikke skrive {e.filename or target}: {e.strerror or e}.", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return code


def _comments(root: Path, files: list[Path], target: Path | None) -> int:
    from report.workflow.comments import ReviewError
    from report.workflow.feedback import run

    try:
        result = run(root, files, target)
    except ReviewError as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:
        print(f"Kunne ikke lese eller skrive {e.filename or target}: {e.strerror or e}.", file=sys.stderr)
        return 1
    print("\n".join(result.lines))
    for error in result.errors:
        print(error, file=sys.stderr)
    return 1 if result.errors else 0


def _roll_over(root: Path, year: int, date: dt.date | None) -> int:
    from report.workflow.rollover import RolloverError, roll_over

    try:
        lines = roll_over(root, year, date)
    except (RolloverError, FileOpen) as e:
        print(e, file=sys.stderr)
        return 1
    except DataError as e:
        print(f"Rett feilene i regnearkene først ({len(e.problems.errors)} feil):", file=sys.stderr)
        print_problems(e.problems.errors)
        return 1
    print("\n".join(lines))
    return 0


def _innspill(root: Path, args) -> int:
    from report.workflow import innspill, replies

    try:
        if args.steg == "lag":
            result = replies.Result(innspill.make(root, args.til), [], [])
        else:
            result = replies.read(root, args.mappe, write=not args.bare_vis)
    except (innspill.InnspillError, FileOpen) as e:
        print(e, file=sys.stderr)
        return 1
    except OSError as e:  # a full disk, a file open in Excel on Windows: every write is all or nothing
        print(f"Kunne ikke lese eller skrive {e.filename or 'en fil'}: {e.strerror or e}. Ingenting er endret.",
              file=sys.stderr)
        return 1
    except DataError as e:
        print(f"Ingenting er endret. Rett disse {len(e.problems.errors)} feilene først:", file=sys.stderr)
        print_problems(e.problems.errors + e.problems.warnings)
        return 1
    print("\n".join(result.lines))
    print_problems(result.warnings, file=sys.stdout)
    if result.conflicts:
        print(f"{len(result.conflicts)} oppdrag har en konflikt og er ikke endret; før inn det som skal gjelde "
              "for hånd i data/oppdrag.xlsx:", file=sys.stderr)
        print_problems(result.conflicts)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
