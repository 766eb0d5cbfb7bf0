"""Each document's extracted statements, cached: a repeat run does not even load spaCy.

Keyed by a version of the statements stage (its source code, the spaCy pipeline and spaCy itself)
and by everything of the document the statements depend on. Every entry is checked when read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import importlib.util
import json
import types
import typing
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path


from crosscheck.nouns import Document, Statement
from crosscheck.embeddings.store import _Store

# --- extracted statements, cached per document ------------------------------------------------------------

STATEMENTS_FORMAT = 1  # bump when the stored form changes


@functools.lru_cache(maxsize=4)
def statements_version(pipeline_name: str, max_per_document: int) -> str:
    """What a document's statements depend on besides the document: the code and models that make them.

    Hashes the source of the statements stage, of the nouns and of the debris module the stage reads
    (so any edit invalidates the cache), the spaCy pipeline's meta.json and spaCy's and thinc's
    versions, read from files without importing them.
    """
    from crosscheck import __version__

    h = hashlib.sha256(f"{STATEMENTS_FORMAT}\0{__version__}\0{pipeline_name}\0{max_per_document}".encode())
    here = Path(__file__).resolve().parents[1]  # the crosscheck package
    # the statements stage reads documents.boilerplate too (a sentence of code is no claim)
    sources = sorted((here / "statements").glob("*.py")) + [here / "nouns.py", here / "documents" / "boilerplate.py"]
    for path in sources:
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    for module, rel in ((pipeline_name, "meta.json"), ("spacy", "about.py"), ("thinc", "about.py")):
        spec = importlib.util.find_spec(module)
        where = spec.submodule_search_locations if spec else None
        if where:
            target = Path(list(where)[0]) / rel
            if target.exists():
                h.update(module.encode() + b"\0" + target.read_bytes())
    return h.hexdigest()


def document_key(version: str, doc: Document) -> str:
    """Everything of a document its statements depend on (its id too: statement ids embed it)."""
    parts = [version, doc.id, doc.title, doc.published.isoformat() if doc.published else "",
             repr(doc.boilerplate), repr(doc.suppressions), doc.text]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class StatementCache:
    """sqlite store of each document's statements, as compressed JSON, checked when read."""

    def __init__(self, directory: Path, version: str) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "statements.sqlite3"
        self.version = version
        self._store = _Store(self.path, "doc")

    def get_many(self, documents: Sequence[Document]) -> dict[str, list[Statement]]:
        """Statements per document id, for the documents found with a valid entry."""
        keys = {document_key(self.version, d): d for d in documents}
        out: dict[str, list[Statement]] = {}
        for key, (_, data) in self._store.get_many(list(keys)).items():
            doc = keys[key]
            try:
                statements = [_decode(Statement, x) for x in json.loads(zlib.decompress(data))]
            except Exception:  # noqa: BLE001 - any bad entry is recomputed
                continue
            if _plausible(doc, statements):
                out[doc.id] = statements
        return out

    def put_many(self, items: Sequence[tuple[Document, Sequence[Statement]]]) -> None:
        rows = []
        for doc, statements in items:
            data = json.dumps([_encode(s) for s in statements], separators=(",", ":"), ensure_ascii=False)
            rows.append((document_key(self.version, doc), len(statements), zlib.compress(data.encode("utf-8"), 1)))
        self._store.put_many(rows)

    def close(self) -> None:
        self._store.close()


def _plausible(doc: Document, statements: Sequence[Statement]) -> bool:
    for n, s in enumerate(statements):
        if (s.document != doc.id or s.index != n or s.id != f"{doc.id}:{n}" or not 0 <= s.start <= s.end
                or s.end > len(doc.text) or len(s.text) != s.end - s.start):
            return False
    return True


def _encode(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_encode(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _decode(tp, data):
    return _decoder(tp)(data)


@functools.lru_cache(maxsize=None)
def _decoder(tp) -> Callable:
    """A strict decoder for one type of the nouns: anything unexpected raises."""
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp) if f.init]
        names = {name for name, _ in fields}

        def dataclass_(data):
            if not isinstance(data, dict) or set(data) != names:
                raise ValueError("fields differ")
            return tp(**{name: dec(data[name]) for name, dec in fields})
        return dataclass_
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(item(x) for x in _list(data))
        items = [_decoder(a) for a in args]

        def fixed(data):
            data = _list(data)
            if len(data) != len(items):
                raise ValueError("tuple length")
            return tuple(dec(x) for dec, x in zip(items, data))
        return fixed
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        inner = _decoder(options[0]) if len(options) == 1 else None
        if inner is None:
            raise TypeError(f"cannot decode {tp}")
        return lambda data: None if data is None else inner(data)
    if origin is typing.Literal:
        allowed = set(args)

        def literal(data):
            if data not in allowed:
                raise ValueError("not an allowed value")
            return data
        return literal
    if tp is dt.date:
        return lambda data: dt.date.fromisoformat(data)
    if tp is float:
        return lambda data: float(_typed(data, (int, float)))
    if tp is bool:
        return lambda data: _typed(data, (bool,))
    if tp is int:
        return lambda data: int(_typed(data, (int,)))
    if tp is str:
        return lambda data: _typed(data, (str,))
    raise TypeError(f"cannot decode {tp}")


def _list(data) -> list:
    if not isinstance(data, list):
        raise ValueError("not a list")
    return data


def _typed(data, kinds: tuple[type, ...]):
    if not isinstance(data, kinds) or (isinstance(data, bool) and bool not in kinds):
        raise ValueError("wrong type")
    return data
