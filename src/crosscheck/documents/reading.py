"""Bytes -> text, or a numbered reason why not.

Articles arrive from scrapers, exports and editors in any encoding, and folders hold stray
binaries. Every way a file can fail to be text gets its own code here (E101-E105), so one bad
file is reported and skipped instead of stopping the run or being read as garbage.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from crosscheck.errors import InputError
from crosscheck.files import FileTooLarge, read_bounded

# share of control characters above which decoded "text" is really binary data
_MAX_CONTROL_SHARE = 0.10
_TEXT_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# when candidate encodings tie, prefer the common Western one: most legacy news exports use it
_PREFERRED_LEGACY = "cp1252"


def read_text(path: Path, max_bytes: int) -> str:
    """The decoded text of ``path``; raises InputError E101-E105."""
    data = read_bytes(path, max_bytes)
    text = decode(data, str(path))
    if not text.strip():
        raise InputError("file has no text (only whitespace)", path=str(path), code="E101")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise InputError("file looks binary: too many control characters for text", path=str(path),
                         code="E102")
    return text


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """At most ``max_bytes`` bytes of the file; E104 when it is larger, E105 when unreadable, E101 when empty."""
    where = str(path)
    try:
        data = read_bounded(path, max_bytes)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(f"cannot read file: {reason}", path=where, code="E105") from exc
    except FileTooLarge as exc:
        raise InputError(f"file is {exc}", path=where, code="E104") from exc
    if not data:
        raise InputError("file is empty", path=where, code="E101")
    return data


def decode(data: bytes, where: str) -> str:
    """UTF-8 (BOM optional), a BOM-marked UTF-16/32, else the encoding charset-normalizer finds."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data[len(bom):], encoding, where)
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise InputError(f"file looks binary: NUL byte at offset {offset}", path=where, code="E102")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    guessed = _guess(data)
    if guessed is None:
        raise InputError(f"not UTF-8 and no other text encoding fits: first bad byte 0x{data[first_bad]:02x} "
                         f"at offset {first_bad}", path=where, code="E103")
    return guessed


def _decode_strict(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"file starts with a {encoding} byte-order mark but is not {encoding}: "
                         f"bad byte at offset {exc.start}", path=where, code="E103") from exc


def _guess(data: bytes) -> str | None:
    """charset-normalizer's best reading, preferring cp1252 among equally good candidates."""
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        return None
    tied = [m for m in matches if abs(m.chaos - best.chaos) < 1e-9]
    if any(_PREFERRED_LEGACY in m.could_be_from_charset for m in tied):
        try:
            return data.decode(_PREFERRED_LEGACY)
        except UnicodeDecodeError:
            pass
    return str(best)


# the characters of Unicode categories Cc and Cs less _TEXT_CONTROLS, as one class (a regex scans a file
# ~40x faster than asking unicodedata about each character; tests/test_documents.py checks they agree)
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ud800-\udfff]")


def _control_share(text: str) -> float:
    sample = text[:100_000]
    return len(_CONTROLS.findall(sample)) / max(1, len(sample))
