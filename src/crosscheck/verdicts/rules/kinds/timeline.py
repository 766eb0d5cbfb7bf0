"""Is the later statement an update of the earlier one rather than a contradiction of it?"""

from __future__ import annotations

from crosscheck.verdicts.rules.kinds.base import Pair

# explicit words of change; a turn at the start of the sentence ("However, ...") is Statement.contrast
UPDATE_CUES = ("no longer", " now ", "reversed", "changed its mind", "after all", "has since", "u-turn",
               "backtrack", "went back on", "eventually", "finally")


def says_it_changed(pair: Pair, cues: tuple[str, ...] = UPDATE_CUES) -> bool:
    """The later statement marks a turn, or cites an event newer than the earlier article (a day the earlier
    statement does not name too: both reporting "Jan. 18" tell of one scheduled day, not a newer event)."""
    later = pair.b
    if later.contrast:
        return True
    low = f" {later.text.lower()} "
    if any(cue in low for cue in cues):
        return True
    earlier_date = pair.doc_a.published
    if earlier_date and not pair.same_document:
        named = {d.value for d in pair.a.dates if d.granularity == "day"}
        return any(d.value is not None and d.granularity == "day" and d.value > earlier_date and d.value not in named
                   for d in later.dates)
    return False


def date_label(pair: Pair) -> tuple[str, str]:
    fmt = lambda d: d.isoformat() if d else "undated"  # noqa: E731
    return fmt(pair.doc_a.published), fmt(pair.doc_b.published)
