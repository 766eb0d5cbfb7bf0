"""Fuzz the documents stage: any bytes, under any article suffix, load or are reported; never a crash.

    python fuzz/fuzz_loaders.py --seconds 60

Each input's first byte picks the suffix (.md .txt .json .jsonl .html ...), the rest is the
file. ``load_documents`` must return; every problem must carry an E1xx/W1xx code other than
E100 (E100 is the catch-all for a loader that raised: a bug), name the file, and give a line of
1 or more when it gives one; every document's spans (boilerplate, suppressions) must lie inside
its text and no text may exceed the character limit.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _driver import run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = (".md", ".txt", ".json", ".jsonl", ".html", ".markdown", ".htm", ".text")
MAX_CHARS = 4_096  # small, so inputs reach the cutting code too
CODE = re.compile(r"^[EW]1\d\d$")
WORK = Path(tempfile.mkdtemp(prefix="crosscheck-fuzz-loaders-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None))
load_documents = None


def setup() -> None:
    global load_documents
    from crosscheck.documents import load_documents as loader
    from crosscheck.documents.fields import parse_published
    from crosscheck.documents.html import load_html_document

    load_documents = loader
    # pay the lazy imports (dateparser, trafilatura) now, not inside the first input that needs them
    parse_published("20 May 2020")
    load_html_document(WORK / "warm.html", "<html><body><article><p>Warm-up text.</p></article></body></html>")


def seeds() -> list[bytes]:
    out = [bytes([i]) + p.read_bytes() for i, p in enumerate(sorted((ROOT / "sources").glob("*.md")))]
    out += [bytes([2]) + b'{"title": "T", "text": "Body text.", "published": "2020-05-20", "outlet": "W"}',
            bytes([3]) + b'{"text": "One."}\n{not json\n{"body": "Two.", "date": "soon"}\n',
            bytes([4]) + b"<html><head><title>T</title><script>x()</script></head><body><article><p>The council "
                         b"approved the bridge on Monday.</p><iframe src='a'>f</iframe></article></body></html>",
            bytes([0]) + b"---\ntitle: T\npublished: 2020-02-30\n---\n\nText <!-- crosscheck-disable NUM01 -->"
                         b"\n\nShow comments\n",
            bytes([0]) + "\ufeff---\ntitle: Caf\u00e9\n---\nd\u00e9j\u00e0 vu\n".encode("utf-16")]
    return out


def target(data: bytes) -> None:
    suffix = SUFFIXES[data[0] % len(SUFFIXES)] if data else ".md"
    path = WORK / f"input{suffix}"
    for old in WORK.iterdir():
        old.unlink()
    path.write_bytes(data[1:])
    docs, problems = load_documents([path], max_chars=MAX_CHARS)
    for p in problems:
        assert CODE.match(p.code) and p.code != "E100", p
        assert p.path == str(path) and isinstance(p.message, str) and p.message, p
        assert p.line is None or p.line >= 1, p
    for doc in docs:
        assert len(doc.text) <= MAX_CHARS, (doc.id, len(doc.text))
        assert all(0 <= s.start < s.end <= len(doc.text) for s in doc.boilerplate), doc.boilerplate
        assert all(0 <= s.start <= s.end <= len(doc.text) for s, _ in doc.suppressions), doc.suppressions
        doc.line_col(len(doc.text))


if __name__ == "__main__":
    sys.exit(run("fuzz_loaders", target, seeds, setup, instrument=("crosscheck", "yaml", "charset_normalizer")))
