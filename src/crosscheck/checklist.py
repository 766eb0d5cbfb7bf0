"""The draft check as an editor's checklist: each claim's verdict explained as a journalist would.

``draft.judge_claims`` decides the verdicts; this module words them ("KrASIA and WARC both report
10 billion yuan (US$1.4 billion)", "No source mentions 20 million smart speakers") and gathers the
evidence behind each one: every source sentence, with the words that match or differ marked, and
the sources' own disagreements where they bear on the claim. The explanation templates are small
pure functions of plain values, so each one can be read back in a test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from crosscheck.nouns import Evidence, Finding, Quantity, Span, Statement, StatementRef

# ---------------------------------------------------------------- wording


def listed(items: Sequence[str], conjunction: str = "and") -> str:
    """'A', 'A and B', 'A, B and C' (``conjunction`` 'or' for 'A, B or C')."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def _subject(outlets: Sequence[str], verb: str, verbs: str) -> str:
    """'KrASIA reports', 'KrASIA and WARC both report', 'A, B and C all report'."""
    if len(outlets) == 1:
        return f"{outlets[0]} {verbs}"
    return f"{listed(outlets)} {'both' if len(outlets) == 2 else 'all'} {verb}"


def supported_text(outlets: Sequence[str], figures: str = "", close_only: bool = False,
                   missing: Sequence[str] = ()) -> str:
    """'KrASIA and WARC both report 10 billion yuan (US$1.4 billion)'; without figures 'ZDNet reports the same';
    a source that is only close in meaning (no rule matched a value) 'reports much the same'; ``missing``: the
    claim's details that no source carries ('...; no source mentions Shanghai')."""
    what = figures or ("much the same" if close_only else "the same")
    text = f"{_subject(outlets, 'report', 'reports')} {what}"
    return f"{text}; no source mentions {listed(missing, 'or')}" if missing else text


_CHANGE = re.compile(r"'([^']*)' -> '([^']*)'")


def contradicted_text(kind: str, outlets: Sequence[str], theirs: str = "", ours: str = "", *,
                      values: dict | None = None, others: Sequence[tuple[Sequence[str], str]] = ()) -> str:
    """Why the sources contradict the draft, by the kind of rule that found it.

    ``theirs`` / ``ours``: the differing words (a figure, a date) in the source and in the draft; ``others``:
    (outlets, words) of sources that give yet another figure or date ('and Reuters $370 million').
    """
    values = values or {}
    more = "".join(f" and {listed(o)} {w}" for o, w in others if o and w)
    if kind == "numeric" and theirs and ours:
        return f"{_subject(outlets, 'report', 'reports')} {theirs}{more}, not {ours}"
    if kind == "date" and theirs and ours:
        return f"{_subject(outlets, 'date', 'dates')} it {theirs}{more}, not {ours}"
    if kind == "polarity":
        if values.get("b_polarity") == "denies":
            return f"{_subject(outlets, 'report', 'reports')} it as fact, not as denied"
        return f"{_subject(outlets, 'report', 'reports')} it as denied, not as fact"
    if kind == "entity" and values.get("a_value") and values.get("b_value"):
        return (f"{_subject(outlets, 'name', 'names')} {values['a_value']}, not {values['b_value']}, "
                f"as the {values.get('role') or 'actor'}")
    if kind == "quote":
        return _quote_text(outlets, values)
    if kind == "nli":
        p = values.get("probability", "")
        return f"{_subject(outlets, 'say', 'says')} otherwise" + (f" (contradiction model, p={p})" if p else "")
    return f"{_subject(outlets, 'say', 'says')} otherwise"


def _quote_text(outlets: Sequence[str], values: dict) -> str:
    speaker = values.get("speaker") or "the speaker"
    change = values.get("change", "")
    pairs = _CHANGE.findall(change)
    if pairs:
        swaps = listed([f"\u201c{old}\u201d, not \u201c{new}\u201d" for old, new in pairs], "and")
        return f"{_subject(outlets, 'quote', 'quotes')} {speaker} saying {swaps}"
    if change.startswith("speaker "):
        return f"{_subject(outlets, 'attribute', 'attributes')} these words to someone else"
    return f"No source quotes {speaker} saying this; the closest quote is in {listed(outlets)}"


def disputed_text(backers: Sequence[str], dissenters: Sequence[tuple[str, int]]) -> str:
    """'The sources disagree: ducksell.com reports this, but ZDNet and another ducksell.com sentence say
    otherwise'. ``dissenters``: (outlet, n) where n > 0 counts the sentences of an outlet that also backs
    the claim (it then disagrees with itself), 0 for an outlet that only dissents."""
    if not backers:
        return "The sources disagree among themselves on this claim"
    names = [_other_sentences(o, n) for o, n in dissenters]
    plural_subject = len(names) > 1 or any(n > 1 for _, n in dissenters)
    back = f"{listed(backers)} {'report' if len(backers) > 1 else 'reports'} this"
    if not names:
        return f"The sources disagree among themselves: {back}, but other sources say otherwise"
    return f"The sources disagree: {back}, but {listed(names)} {'say' if plural_subject else 'says'} otherwise"


def _other_sentences(outlet: str, n: int) -> str:
    if n == 0:
        return outlet
    return f"another {outlet} sentence" if n == 1 else f"{n} other {outlet} sentences"


def unsupported_text(details: Sequence[str], speaker: str = "") -> str:
    """'No source mentions 45 million speakers or Europe'; 'No source quotes Jane Roe'; 'No source reports this'."""
    if speaker and details:
        return f"No source quotes {speaker} or mentions {listed(details, 'or')}"
    if speaker:
        return f"No source quotes {speaker}"
    if details:
        return f"No source mentions {listed(details, 'or')}"
    return "No source reports this"


def summary_text(counts: dict[str, int]) -> str:
    """'7 claims: 4 supported, 1 contradicted, 1 disputed, 1 unsupported' (verdicts with none left out)."""
    total = sum(counts.values())
    parts = [f"{n} {verdict}" for verdict, n in counts.items() if n]
    head = f"{total} claim{'s' if total != 1 else ''}"
    return f"{head}: {', '.join(parts)}" if parts else f"{head} to check"


def others_text(n: int, command: str) -> str:
    """'The sources disagree among themselves on 2 other claims: run' (the command follows, formatted by the report)."""
    return f"The sources disagree among themselves on {n} other claim{'s' if n != 1 else ''}: run {command}"


# ---------------------------------------------------------------- the words in a sentence


def phrase(text: str, spans: Iterable[Span]) -> str:
    """The words of ``text`` under ``spans`` (offsets into ``text``): spans separated only by punctuation and
    spaces read as one phrase with its brackets closed ('10 billion yuan (US$1.4 billion)'), others listed."""
    merged: list[list[int]] = []
    for s in sorted((max(0, sp.start), min(len(text), sp.end)) for sp in spans):
        if s[1] <= s[0]:
            continue
        if merged and not re.search(r"\w", text[merged[-1][1]:s[0]]):
            merged[-1][1] = max(merged[-1][1], s[1])
        else:
            merged.append([s[0], s[1]])
    out = []
    for start, end in merged:
        piece = text[start:end]
        opened = piece.count("(") - piece.count(")")
        if opened > 0 and text[end:end + opened] == ")" * opened:
            piece += ")" * opened
        out.append(piece.strip())
    return listed(list(dict.fromkeys(p for p in out if p)))


def figure_with_noun(claim: Statement, text: str) -> str:
    """A count with the noun it counts, as written: '20 million' -> '20 million smart speakers'."""
    q = next((q for q in claim.quantities if q.text == text), None)
    if q is None:
        return text
    start = q.start - claim.start
    return claim.text[start:_noun_end(claim, q)] if start >= 0 else text


def with_nouns(claim: Statement, spans: Iterable[Span]) -> list[Span]:
    """Spans (offsets into the claim's text) of counts grown to the noun they count ('10' -> '10-inch')."""
    ends = {(q.start - claim.start, q.end - claim.start): _noun_end(claim, q) for q in claim.quantities}
    return [Span(s.start, ends.get((s.start, s.end), s.end)) for s in spans]


def _noun_end(claim: Statement, q: Quantity) -> int:
    """Where the noun a count counts ends in the claim's text (within three words), else the count's own end."""
    end = q.end - claim.start
    if q.kind != "count" or not q.unit or end < 0:
        return end
    stem = q.unit.lower()[: max(3, len(q.unit) - 1)]
    for w in list(re.finditer(r"[\w'’-]+", claim.text[end:]))[:3]:
        if w.group().lower().lstrip("-").startswith(stem):
            return end + w.end()
    return end


# ---------------------------------------------------------------- evidence


def evidence_list(items: Iterable[tuple[Statement, str, str, Sequence[Span]]],
                  claim: Statement | None = None) -> tuple[Evidence, ...]:
    """(statement, stance, rule id, highlights) as Evidence, each source sentence once (the first stance wins);
    a sentence no rule marked gets the names it shares with the ``claim`` marked instead."""
    seen: set[str] = set()
    out = []
    for s, stance, rule, highlights in items:
        if s.id in seen:
            continue
        seen.add(s.id)
        marks = tuple(highlights) or (shared_names(s, claim) if claim is not None else ())
        ref = StatementRef(s.document, s.id, s.text, s.start, s.end, marks, s.before, s.after)
        out.append(Evidence(ref, stance, rule))  # type: ignore[arg-type]
    return tuple(out)


def shared_names(source: Statement, claim: Statement) -> tuple[Span, ...]:
    """Where the source sentence names what the claim names (offsets into its text): 'Skyworth', 'Baidu'."""
    keys = {e.key or e.text.lower() for e in claim.entities}
    return tuple(Span(e.start - source.start, e.end - source.start) for e in source.entities
                 if (e.key or e.text.lower()) in keys and source.start <= e.start <= e.end <= source.end)


def bearing(findings: Sequence[Finding], statement_ids: Iterable[str]) -> list[Finding]:
    """The sources' own findings that cite one of these statements."""
    ids = set(statement_ids)
    return [f for f in findings if any(r.statement in ids for r in f.statements)]
