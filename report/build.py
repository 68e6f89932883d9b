"""The pre-render build: data → validated model → generated blocks, figures and variables.

Everything is written to a fresh temporary folder inside the project and swapped in only
when the whole build succeeded: a failed build leaves the previous output untouched, and
a lock keeps two builds started at once from mixing their files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from report.content import blocks as block_gen, tallgrunnlag
from report.content.chapters import check_chapters
from report.content.figures import cached_indicator_figures
from report.content.published import RECORD, checksum, record
from report.content.references import check_references, find_references
from report.content.variables import FILE as VARIABLES, variables as make_variables
from report.data import schema
from report.data.cache import FOLDER as CACHE, WorkbookCache
from report.data.config import GENERATED, Config, check_config, final_build, load_config, logo_file
from report.data.files import locked
from report.data.load import load_dataset
from report.data.manifest import make_manifest
from report.data.model import Dataset
from report.data.problems import DataError, Problem
from report.publish.documents import workbook_name
from report.publish.docx.reference import write_reference_doc

BLOCK_KEYS = "blokker.json"  # in the cache folder: the key each block was made from
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@dataclass(frozen=True)
class BuildResult:
    blocks: tuple[str, ...]
    figures: tuple[str, ...]
    warnings: tuple[Problem, ...]
    read: tuple[str, ...]  # workbooks read anew (the others came from the cache)
    made: tuple[str, ...]  # blocks made anew
    drawn: tuple[str, ...]  # figures drawn anew


def build(root: Path) -> BuildResult:
    """Build everything the chapters refer to; raise DataError listing every problem."""
    root = Path(root).resolve()
    config = load_config(root)
    cache = WorkbookCache(previous=root / GENERATED / CACHE)
    dataset, problems = load_dataset(config.data_dir, cache)
    if problems.errors:
        raise DataError(problems)

    manifest = make_manifest(config, dataset)
    blocks, block_keys, made = _generate_blocks(dataset, config, manifest, root / GENERATED)
    figures = block_gen.figure_blocks(dataset)
    final = final_build()
    # which build a reader has: when it was made, and from what (report/workflow/comments.py reads it)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")  # a reproducible build's time, as for the Word file's dates
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch else dt.datetime.now()
    digest = checksum(root, config)
    stamp = f"{when:%d.%m.%Y %H:%M} · {digest}"
    blocks["datagrunnlag"] = block_gen.data_basis_block(manifest, config, stamp, final)
    variables = make_variables(dataset, config)
    variables.update(stempel=stamp, utkast=not final)  # the PDF's pages and cover, the Word file, the web
    if logo := logo_file(root):  # the PDF's cover shows it
        variables["logo"] = logo
    references = find_references(root)
    problems.extend(check_references(references, block_gen.block_names(dataset, config.year), variables))
    problems.extend(check_chapters(root))
    problems.extend(check_config(config))
    if problems.errors:
        raise DataError(problems)

    wanted = sorted({r.name for r in references if r.kind == "blokk" and r.name in figures})
    workbook = f"{GENERATED}/{workbook_name(config.year)}"  # Quarto copies it with the pages
    with locked(root / f".{GENERATED}.lock"):  # two builds started at once never mix files
        tmp = Path(tempfile.mkdtemp(prefix=f".{GENERATED}-", dir=root))
        try:
            drawn, drawn_ids = cached_indicator_figures(
                [(figures[name], dataset.values_for(figures[name].id)) for name in wanted], tmp / "figurer",
                previous=root / GENERATED / "figurer",
            )
            for name, figure in zip(wanted, drawn):
                blocks[name] = block_gen.figure_block(figure, f"{GENERATED}/figurer", workbook)
            _write_blocks(tmp / "blokker", blocks)
            (tmp / "manifest.json").write_text(
                json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
            write_reference_doc(tmp / "referanse.docx")
            # the numbers behind the report; the post-render step puts it next to the report
            tallgrunnlag.write_tallgrunnlag(dataset, config, [figures[name] for name in wanted],
                                            tmp / workbook_name(config.year))
            cache.save(tmp / CACHE)
            (tmp / CACHE / BLOCK_KEYS).write_text(json.dumps(block_keys, sort_keys=True), encoding="utf-8")
            # every number the chapters and tables publish, with where; `rapport bygg` puts it in _bok/
            numbers = {**record(root, dataset, config, variables, references), "checksum": digest, "stamp": stamp}
            (tmp / RECORD).write_text(json.dumps(numbers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            # JSON is YAML: Quarto reads it as is, and no YAML writer is needed.
            (tmp / VARIABLES).write_text(
                json.dumps(variables, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            )
            _swap_in(tmp, root)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    read = tuple(b.filename for b in schema.WORKBOOKS if b.filename not in cache.hits)
    return BuildResult(tuple(sorted(blocks)), tuple(wanted), tuple(problems.warnings), read, tuple(made),
                       tuple(drawn_ids))


def _generate_blocks(dataset: Dataset, config: Config, manifest: dict,
                     previous: Path) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Each block's text and key, and the names of those made anew. The key covers the code, the
    settings and the workbooks the block is made from, so a block whose key is unchanged is
    taken from the previous build, never stale."""
    hashes = {f["fil"]: f["sha256"] for f in manifest["filer"]}
    try:
        old_keys = json.loads((previous / CACHE / BLOCK_KEYS).read_text(encoding="utf-8"))
        old_keys = old_keys if isinstance(old_keys, dict) else {}
    except (OSError, ValueError):
        old_keys = {}
    texts, keys, parts, made = {}, {}, {}, []
    settings = [str(config.year), config.status_prompt]
    for name, (books, make) in block_gen.block_makers(config.year, config.status_prompt).items():
        text = "\0".join([block_gen.code_digest(), name, *settings, *(f"{b}={hashes[b]}" for b in books)])
        keys[name] = hashlib.sha256(text.encode()).hexdigest()
        old = previous / "blokker" / f"{name}.md"
        if old_keys.get(name) == keys[name] and old.is_file():
            texts[name] = old.read_text(encoding="utf-8")
        else:
            if books not in parts:
                parts[books] = block_gen.only(dataset, books)
            texts[name] = make(parts[books])
            made.append(name)
    return texts, keys, made


def _write_blocks(folder: Path, blocks: dict[str, str]) -> None:
    folder.mkdir()
    for name, text in sorted(blocks.items()):
        if not _SAFE_NAME.match(name):  # names come from controlled lists and IDs; never a path
            raise ValueError(f"unsafe block name {name!r}")
        (folder / f"{name}.md").write_text(text, encoding="utf-8", newline="\n")


def _swap_in(tmp: Path, root: Path) -> None:
    target = root / GENERATED
    old = root / f".{GENERATED}-forrige"
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    os.replace(target / VARIABLES, root / VARIABLES)
    shutil.rmtree(old, ignore_errors=True)
