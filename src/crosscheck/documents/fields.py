"""The metadata fields every input format shares: names, aliases, types and dates.

Front matter, JSON records and HTML metadata all name the same four things a little
differently; reading them in one place keeps the formats consistent. A date that cannot be
read is a warning (W120), not a failure: the article is still worth checking without it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "outlet": ("outlet", "source"),
    "published": ("published", "date"),
    "url": ("url",),
}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# the languages whose month names a written date may use; unrestricted, dateparser tries every locale
# it knows and a junk value ("2020cp8580") cost 10-15 s on first use (found by fuzz/fuzz_loaders.py)
_DATE_LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "nl"]
_DATEPARSER_SETTINGS = {
    # absolute dates only: "yesterday" in a file must not depend on the day the tool runs
    "PARSERS": ["custom-formats", "absolute-time"],
    "REQUIRE_PARTS": ["day", "month", "year"],
    "PREFER_DAY_OF_MONTH": "first",
}


@dataclass(frozen=True)
class Meta:
    title: str = ""
    outlet: str = ""
    published: dt.date | None = None
    url: str = ""


def pick(raw: Mapping[str, Any], field: str) -> tuple[str | None, Any]:
    """(key used, value) of the first alias of ``field`` present in ``raw``, else (None, None)."""
    for key in ALIASES[field]:
        if key in raw and raw[key] is not None:
            return key, raw[key]
    return None, None


def read_meta(raw: Mapping[str, Any]) -> tuple[Meta, str | None]:
    """The shared fields of a mapping, and a warning message when its date is unreadable."""
    _, published_value = pick(raw, "published")
    warning = None
    try:
        published = parse_published(published_value)
    except ValueError as exc:
        published, warning = None, str(exc)
    return Meta(title=as_text(pick(raw, "title")[1]), outlet=as_text(pick(raw, "outlet")[1]),
                published=published, url=as_text(pick(raw, "url")[1])), warning


def as_text(value: Any) -> str:
    """Scalars as stripped text; anything else (lists, mappings, None) as ""."""
    if value is None or isinstance(value, (list, tuple, dict, set)):
        return ""
    return str(value).strip()


def parse_published(value: Any) -> dt.date | None:
    """A date, datetime or date string as a date; None when absent; ValueError when unreadable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"published date {value!r} is not a date (write it as YYYY-MM-DD)")
    found = _parse_date_text(value.strip())
    if found is None:
        raise ValueError(f"published date {value.strip()[:80]!r} could not be read (write it as YYYY-MM-DD)")
    return found


def _parse_date_text(text: str) -> dt.date | None:
    if _ISO_DAY.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    if not any(ch.isdigit() for ch in text) or len(text) > 100:
        return None  # no year: not a full date, and dateparser is slow to say so
    import dateparser  # slow to import: only for dates that are not ISO

    try:
        parsed = dateparser.parse(text, languages=_DATE_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    except Exception:  # dateparser raises assorted errors on odd input  # noqa: BLE001
        return None
    return parsed.date() if parsed else None
