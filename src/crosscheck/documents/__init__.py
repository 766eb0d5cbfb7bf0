"""Sources -> documents: every article file under the given paths, loaded, or a reason why not.

One unreadable file must never cost the others: each file's failure becomes an InputProblem
(with its E1xx code) and loading goes on. Warnings (W1xx) travel the same way beside a loaded
document. Every document leaves here with its boilerplate and suppressions marked, and its text
exactly as in the file, so offsets stay true.
"""

from __future__ import annotations

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
Loaded = tuple[list[Document], list[InputProblem]]


def load_documents(paths: Sequence[str | Path], *,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[list[Document], list[InputProblem]]:
    """All documents under ``paths`` (folders recursively, sorted) and the problems met on the way."""
    files, problems = find_files(paths)
    documents: list[Document] = []
    for path in files:
        docs, trouble = _load_safely(path, max_bytes)
        documents += docs
        problems += trouble
    return unique_ids(documents), problems


def load_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Loaded:
    """The documents of one file with boilerplate marked; raises InputError when the file is unusable."""
    text = read_text(path, max_bytes)
    docs, problems = _LOADERS.get(path.suffix.lower(), _text)(path, text)
    return [_marked(d) for d in docs], problems


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


def _load_safely(path: Path, max_bytes: int) -> Loaded:
    try:
        return load_file(path, max_bytes)
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
    return [load_html_document(path, text)], []


_LOADERS: dict[str, Callable[[Path, str], Loaded]] = {
    ".md": _text,
    ".markdown": _text,
    ".txt": _text,
    ".html": _html,
    ".htm": _html,
    ".json": load_json_documents,
    ".jsonl": load_jsonl_documents,
}
