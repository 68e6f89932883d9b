"""The manifest: which data a report was built from (file hashes, rows per sheet, tool version)."""

from __future__ import annotations

import hashlib

from report import __version__
from report.data import schema
from report.data.config import Config
from report.data.model import Dataset


def _sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def make_manifest(config: Config, dataset: Dataset) -> dict:
    rows = {
        schema.ASSIGNMENTS.name: len(dataset.assignments),
        schema.INDICATOR_CATALOGUE.name: len(dataset.indicators),
        schema.INDICATOR_VALUES.name: len(dataset.values),
        schema.PARTNERSHIPS.name: len(dataset.partnerships),
        schema.PARTNERSHIP_STATUS.name: len(dataset.partnership_status),
    }
    return {
        "verktoy": f"nhsp-rapport {__version__}",
        "aar": config.year,
        "filer": [
            {
                "fil": book.filename,
                "sha256": _sha256(config.data_dir / book.filename),
                "rader": {sheet.name: rows[sheet.name] for sheet in book.sheets},
            }
            for book in schema.WORKBOOKS
        ],
    }
