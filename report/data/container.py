"""Whether a workbook file may be parsed at all: hostile or broken files (not a zip, zip bombs,
XML entities, old .xls, encrypted) are refused with a message before any XML in them is read."""

from __future__ import annotations

import zipfile
from pathlib import Path

from report.data.messages import msg
from report.data.problems import Problems

MAX_UNPACKED_MB = 200
MAX_RATIO = 200  # uncompressed/compressed, per zip member
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What defusedxml refuses: entity declarations, in the encodings an XML part may have.
_ENTITY = tuple("<!ENTITY".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))
# A formula (<f>, or <x:f> with a namespace prefix) or an error value: plain substrings, as a
# regular expression starting with "<" is slow on XML. A false match only costs a slower read.
_SPECIAL = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/", b' t="e"', b" t='e'")


def safe_container(path: Path, problems: Problems) -> set[str] | None:
    """None (with a problem) for a file that must not be parsed; else the worksheet parts
    holding formulas or error values. Every member is unpacked once, which checks its CRC."""
    file = path.name
    with path.open("rb") as f:
        head = f.read(8)
    if head == _OLE_SIGNATURE:
        problems.error(file, None, None, msg("ole"))
        return None
    if not zipfile.is_zipfile(path):
        problems.error(file, None, None, msg("not_xlsx"))
        return None
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
            total = sum(m.file_size for m in members)
            ratio = max((m.file_size / max(m.compress_size, 1) for m in members), default=0)
            if total > MAX_UNPACKED_MB * 2**20 or ratio > MAX_RATIO and total > 10 * 2**20:
                problems.error(file, None, None, msg("too_big", mb=total // 2**20, limit=MAX_UNPACKED_MB))
                return None
            special = set()
            for member in members:
                found = _scan_member(z, member)
                if found is None:
                    problems.error(file, None, None, msg("xml_attack"))
                    return None
                if found and member.filename.startswith("xl/worksheets/"):
                    special.add(member.filename)
            return special
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
        problems.error(file, None, None, msg("broken_zip"))
        return None


def _scan_member(z: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool | None:
    """Unpack one member in chunks: None when it declares XML entities, else whether it holds
    formulas or error values. Every member is scanned, whatever its name: a part's name need
    not end in .xml. A chunk keeps the end of the one before, so no mark is split."""
    found, tail = False, b""
    with z.open(member) as f:
        while chunk := f.read(1 << 20):
            text = tail + chunk
            if any(mark in text for mark in _ENTITY):
                return None
            found = found or any(mark in text for mark in _SPECIAL)
            tail = text[-16:]
    return found
