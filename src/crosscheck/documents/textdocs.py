"""Markdown and plain-text articles: front matter for metadata, the rest verbatim as the body.

The body is never rewritten, so findings can point at file:line. What front matter leaves out is
filled from the text itself (the title) or left empty for the report to fill (the outlet).
"""

from __future__ import annotations

import re
from pathlib import Path

from crosscheck.documents.fields import pick, read_meta
from crosscheck.documents.frontmatter import split_front_matter
from crosscheck.nouns import Document, InputProblem

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_MAX_TITLE = 200


def load_text_document(path: Path, text: str) -> tuple[Document, list[InputProblem]]:
    """One Document from a Markdown or text file's decoded content (raises InputError E110/E111)."""
    where = str(path)
    front = split_front_matter(text, where)
    meta, warning = read_meta(front.meta)
    problems = []
    if warning:
        key = pick(front.meta, "published")[0] or "published"
        problems.append(InputProblem(where, "W120", warning + "; loaded without a date", front.key_lines.get(key)))
    doc = Document(id=path.stem, path=where, title=meta.title or guess_title(front.body), outlet=meta.outlet,
                   published=meta.published, url=meta.url, text=front.body, first_line=front.body_line)
    return doc, problems


def guess_title(body: str) -> str:
    """The first Markdown heading, else the first non-empty line, shortened to a title's length."""
    heading = _HEADING.search(body)
    if heading:
        return _shorten(heading.group(1))
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    return _shorten(first)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TITLE else text[:_MAX_TITLE - 1].rstrip() + "…"
