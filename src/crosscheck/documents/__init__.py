"""Sources -> documents: every article file under the given paths, loaded, or a reason why not.

One unreadable file must never cost the others: each file's failure becomes an InputProblem
(with its E1xx code) and loading goes on. Warnings (W1xx) travel the same way beside a loaded
document. Every document leaves here with its boilerplate and suppressions marked, and its text
exactly as in the file, so offsets stay true.

Work is bounded whatever the input: a file is read up to ``max_bytes`` (E104 beyond), a saved
page is parsed up to MAX_PAGE_CHARS characters of markup and a document's text is checked up to
``max_chars`` characters (DEFAULT_MAX_CHARS); beyond either, the text is cut at a paragraph,
line or sentence boundary and a W130 warning says where, so one giant file costs seconds, not hours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from crosscheck.documents.boilerplate import find_boilerplate, find_suppressions
from crosscheck.documents.discovery import SUFFIXES, find_files
from crosscheck.documents.html import load_html_document
from crosscheck.documents.jsondocs import load_json_documents, load_jsonl_documents
from crosscheck.documents.reading import read_text
from crosscheck.documents.textdocs import load_text_document
from crosscheck.errors import InputError
from crosscheck.nouns import Document, InputProblem

__all__ = ["SUFFIXES", "find_boilerplate", "find_suppressions", "load_documents", "load_file"]

DEFAULT_MAX_BYTES = 50_000_000
# about 5,000 statements of news prose (the statements stage's own limit): longer texts are cut, with W130
DEFAULT_MAX_CHARS = 1_000_000
# markup of a saved page read before extraction; real article pages are far smaller
MAX_PAGE_CHARS = 5_000_000
Loaded = tuple[list[Document], list[InputProblem]]


def load_documents(paths: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES,
                   max_chars: int | None = None) -> tuple[list[Document], list[InputProblem]]:
    """All documents under ``paths`` (folders recursively, sorted) and the problems met on the way.

    ``max_chars`` (default DEFAULT_MAX_CHARS) bounds each document's text; longer ones are cut (W130).
    """
    files, problems = find_files(paths)
    documents: list[Document] = []
    for path in files:
        docs, trouble = _load_safely(path, max_bytes, max_chars)
        documents += docs
        problems += trouble
    documents = [d if _printable(d.path) == d.path and _printable(d.id) == d.id
                 else replace(d, path=_printable(d.path), id=_printable(d.id)) for d in documents]
    problems = [p if _printable(p.path) == p.path else replace(p, path=_printable(p.path)) for p in problems]
    return unique_ids(documents), problems


def _printable(name: str) -> str:
    """A file name as text that every report can print and encode: bytes that are not UTF-8
    (kept by Python as lone surrogates) as \\xNN, control characters (a newline that would forge
    a second error line, an escape sequence for the terminal) as \\n, \\x1b... Names that are
    already printable are returned unchanged."""
    if name.isprintable():
        return name
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int | None = None) -> Loaded:
    """The documents of one file with boilerplate marked; raises InputError when the file is unusable."""
    limit = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    text = read_text(path, max_bytes)
    loader = _LOADERS.get(path.suffix.lower(), _text)
    docs, problems = loader(path, text)
    out = []
    for doc in docs:
        doc, warning = _bounded(doc, limit, lines=loader is _text,
                                records=loader in (load_json_documents, load_jsonl_documents))
        problems += [warning] if warning else []
        out.append(_marked(_sane(doc)))
    return out, problems


_SURROGATE = re.compile("[\ud800-\udfff]")  # lone: JSON "\\ud800" and YAML "\\ud800" escapes make them
_FIELD_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # not \t \n \r


def _sane(doc: Document) -> Document:
    """Text that every later stage can encode: a lone surrogate (which UTF-8 cannot encode, so spaCy,
    the cache and the report would fail on it) becomes U+FFFD, one for one so offsets stay true;
    metadata fields also lose control characters (a terminal escape sequence in a title)."""
    fields = {name: _FIELD_CONTROL.sub("\ufffd", _SURROGATE.sub("\ufffd", value))
              for name in ("title", "outlet", "url") if not (value := getattr(doc, name)).isprintable()}
    fields = {name: value for name, value in fields.items() if value != getattr(doc, name)}
    if _SURROGATE.search(doc.text):
        fields["text"] = _SURROGATE.sub("\ufffd", doc.text)
    return replace(doc, **fields) if fields else doc


def cut_point(text: str, limit: int) -> int:
    """Where to cut ``text`` to keep at most ``limit`` characters: after the last paragraph, line or
    sentence that fits (in the second half of the limit), else at the last space, else at the limit."""
    if len(text) <= limit:
        return len(text)
    floor = limit // 2
    for separator, keep in (("\n\n", 0), ("\n", 0), (". ", 1), (" ", 0)):
        found = text.rfind(separator, floor, limit)
        if found != -1:
            return found + keep
    return limit


def _bounded(doc: Document, limit: int, *, lines: bool, records: bool) -> tuple[Document, InputProblem | None]:
    """The document with its text cut to ``limit`` characters, and the W130 warning that says so.

    ``lines``: the text's lines are the file's (Markdown, text), so the cut is named by its line;
    ``records``: the file holds several articles (JSON), so the warning names the record.
    """
    if len(doc.text) <= limit:
        return doc, None
    cut = cut_point(doc.text, limit)
    line = doc.line_col(cut)[0] if lines else None
    where = f"up to line {line:,}" if line else f"up to character {cut:,}"
    label = f"{doc.id}: " if records else ""
    problem = InputProblem(doc.path, "W130", f"{label}text is longer than the limit of {limit:,} characters: "
                                             f"only the part {where} is checked",
                           line if lines else doc.first_line if records else None)
    return replace(doc, text=doc.text[:cut]), problem


def unique_ids(documents: Sequence[Document]) -> list[Document]:
    """Documents with ids made unique in order: a repeated id gets "-2", "-3"... (never an id in use)."""
    taken = {d.id for d in documents}
    used: set[str] = set()
    out = []
    for doc in documents:
        new_id = doc.id
        if new_id in used:
            n = 2
            while f"{doc.id}-{n}" in taken:
                n += 1
            new_id = f"{doc.id}-{n}"
            taken.add(new_id)
        used.add(new_id)
        out.append(doc if new_id == doc.id else replace(doc, id=new_id))
    return out


def _load_safely(path: Path, max_bytes: int, max_chars: int | None) -> Loaded:
    try:
        return load_file(path, max_bytes, max_chars)
    except InputError as exc:
        return [], [InputProblem(exc.path or str(path), exc.code, exc.message, exc.line)]
    except Exception as exc:  # a loader bug must not cost the other files  # noqa: BLE001
        return [], [InputProblem(str(path), "E100", f"could not be loaded ({type(exc).__name__}: {exc})")]


def _marked(doc: Document) -> Document:
    return replace(doc, boilerplate=find_boilerplate(doc.text, doc.title), suppressions=find_suppressions(doc.text))


def _text(path: Path, text: str) -> Loaded:
    doc, problems = load_text_document(path, text)
    return [doc], problems


def _html(path: Path, text: str) -> Loaded:
    problems = []
    if len(text) > MAX_PAGE_CHARS:  # parsing cost grows with the markup: read the page's first part only
        cut = text.rfind(">", 0, MAX_PAGE_CHARS) + 1 or MAX_PAGE_CHARS
        line = text.count("\n", 0, cut) + 1
        problems.append(InputProblem(str(path), "W130", f"page is longer than the limit of {MAX_PAGE_CHARS:,} "
                                                        f"characters: only the part before line {line:,} is read",
                                     line))
        text = text[:cut]
    return [load_html_document(path, text)], problems


_LOADERS: dict[str, Callable[[Path, str], Loaded]] = {
    ".md": _text,
    ".markdown": _text,
    ".txt": _text,
    ".html": _html,
    ".htm": _html,
    ".json": load_json_documents,
    ".jsonl": load_jsonl_documents,
}
