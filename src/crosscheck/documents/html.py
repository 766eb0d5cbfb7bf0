"""Saved web pages: the article's main text and metadata, without the page around it.

trafilatura finds the main content and drops scripts, styles, iframes, navigation and comments.
Its paragraphs are joined with blank lines so the text reads like the Markdown sources
(one paragraph per blank-line block); offsets then point into this extracted text, not the HTML.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from crosscheck.documents.fields import parse_published
from crosscheck.documents.textdocs import guess_title
from crosscheck.errors import InputError
from crosscheck.nouns import Document

_EXTRACT = dict(include_comments=False, include_tables=False, favor_precision=True)


def load_html_document(path: Path, html: str) -> Document:
    """One Document from a saved HTML page (raises InputError E130 when no article text is found)."""
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # it logs every page it finds thin
    where = str(path)
    text = _main_text(html)
    if not text:
        raise InputError("no article text found in the page (trafilatura extracted nothing)", path=where,
                         code="E130")
    meta = _metadata(html)
    try:
        published = parse_published(meta.get("date"))
    except ValueError:
        published = None  # page dates are guesses; a bad one is not worth a warning
    return Document(id=path.stem, path=where, title=meta.get("title") or guess_title(text),
                    outlet=meta.get("sitename") or "", published=published, url=meta.get("url") or "",
                    text=text)


def _main_text(html: str) -> str:
    import trafilatura

    try:
        raw = trafilatura.extract(html, **_EXTRACT)
        if not raw:  # precision mode drops short pages entirely; try once more with defaults
            raw = trafilatura.extract(html, include_comments=False, include_tables=False)
    except Exception:  # lxml and trafilatura raise many kinds of errors on broken markup  # noqa: BLE001
        return ""
    paragraphs = [line.strip() for line in (raw or "").splitlines() if line.strip()]
    return "\n\n".join(paragraphs)


def _metadata(html: str) -> dict[str, Any]:
    import trafilatura

    try:
        found = trafilatura.extract_metadata(html)
    except Exception:  # noqa: BLE001
        return {}
    if found is None:
        return {}
    values = {key: getattr(found, key, None) for key in ("title", "sitename", "date", "url")}
    return {key: value.strip() if isinstance(value, str) else "" for key, value in values.items()}
