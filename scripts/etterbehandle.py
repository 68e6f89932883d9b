"""Quarto's post-render step (see _quarto.yml): finishes every Word file Quarto wrote, puts the
numbers behind the report (tallgrunnlag-YEAR.xlsx) next to it, and finishes the web pages."""

import os
import shutil
import sys
from pathlib import Path

try:  # what every format needs (the Word file's and the web pages' modules are read when needed)
    from report.data.config import GENERATED, load_config, logo_file
    from report.publish.documents import SUFFIXES, build_stamp, document_name, rename_documents, workbook_name
except ImportError:
    sys.exit(f"Finner ikke rapportverktøyet i Python-installasjonen Quarto bruker ({sys.executable}).")

config = load_config(Path.cwd())
stamp, draft = build_stamp(Path.cwd())
written = os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines()
output_dir = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_bok"))
for output in [line for line in written if line.endswith(".docx")]:
    from report.publish.docx.finalize import CONTENTS_PAGES_LATER, FinalizeError, finalize_docx

    try:
        finalize_docx(Path(output), config, stamp, draft, contents_pages=not os.environ.get(CONTENTS_PAGES_LATER))
    except FinalizeError as e:
        sys.exit(f"Word-filen ble ikke ferdigstilt: {e}")
    print(f"Ferdigstilte Word-filen {output}: forside, innhold, sidetall og liggende vedlegg"
          + (f", merket som utkast ({stamp})." if draft else "."))

# Short names a writer can attach (before the pages link to them)
renamed = rename_documents(output_dir, [Path(line).name for line in written], config.year)
if renamed:
    print(f"Ga PDF-en og Word-filen korte navn: {', '.join(renamed.values())}")

workbook = workbook_name(config.year)
shutil.copyfile(Path(GENERATED) / workbook, output_dir / workbook)
print(f"La tallgrunnlaget ved siden av rapporten: {workbook}")

# The web pages last, when every file they link to is in the output folder: first the appendix
# numbers in Quarto's navigation, then the furniture (which reads the numbers the page shows).
if any(line.endswith(".html") for line in written):
    from report.content.figures import PHONE
    from report.publish.html.furniture import finish_site
    from report.publish.html.vedlegg import number_appendices

    number_appendices(output_dir)
    # the PDF and the Word file may be made by another Quarto (report/publish/formats.py): the
    # pages link to them by the names they are given
    links = {suffix: document_name(config.year, suffix) for suffix in SUFFIXES}
    logo = logo_file(Path.cwd())  # the house logo over the sidebar, when the writers have one
    if logo:
        (output_dir / logo).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(logo, output_dir / logo)
    # each figure's phone version beside the figure Quarto copied (report/content/figures.py)
    for phone in Path(GENERATED, "figurer").glob(f"*{PHONE}.svg"):
        shown = output_dir / GENERATED / "figurer" / phone.name.replace(PHONE, "")
        if shown.is_file():
            shutil.copyfile(phone, shown.with_name(phone.name))
    pages = finish_site(output_dir, workbook, links, stamp, draft, (logo, config.author) if logo else None, PHONE)
    print(f"Ferdigstilte {pages} nettsider: vedleggene nummerert, landemerker og lenker på bokmål, "
          f"tabeller som rulles for seg, {workbook} under «Last ned»" + (", merket som utkast." if draft else "."))
