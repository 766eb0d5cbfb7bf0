"""Synthetic labelled pairs from real news sentences, the way FactCC made its training data.

Why: the dev sets have few contradictions of the kinds the rules name (a changed figure, a
changed date, an inserted negation, a swapped actor), so the combiner would never learn how much
those weigh. Perturbing real sentences gives such pairs with a known label:

* contradiction: ``number`` (a figure changed), ``date`` (a year, month or weekday changed),
  ``negation`` (a negation inserted or removed), ``antonym`` (rose -> fell), ``entity`` (a name
  replaced by another name of the same type from the same article);
* agreement: ``copy`` (the sentence itself) and ``clause`` (its main clause, a trailing clause cut);
* neutral: ``other`` (another sentence of the same article, outside the context window).

Each row's ``text_a`` is the sentence with its neighbours (the "article" side), ``text_b`` the
claim. Everything is driven by one seeded ``random.Random``: the same articles and seed give the
same rows. The perturbations are plain string functions; only sentence splitting and named
entities come from spaCy.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CONTRADICTION_KINDS = ("number", "date", "negation", "antonym", "entity")
AGREEMENT_KINDS = ("copy", "clause")
NEUTRAL_KINDS = ("other",)
LABEL_OF = {**{k: "contradiction" for k in CONTRADICTION_KINDS}, **{k: "agreement" for k in AGREEMENT_KINDS},
            **{k: "neutral" for k in NEUTRAL_KINDS}}

_ANTONYMS = (
    ("rose", "fell"), ("increased", "decreased"), ("increase", "decrease"), ("rise", "fall"), ("won", "lost"),
    ("higher", "lower"), ("more", "fewer"), ("before", "after"), ("accepted", "rejected"), ("confirmed", "denied"),
    ("approved", "rejected"), ("gained", "lost"), ("opened", "closed"), ("supported", "opposed"),
    ("allowed", "banned"), ("arrested", "released"), ("alive", "dead"), ("first", "last"), ("true", "false"),
    ("began", "ended"), ("largest", "smallest"), ("up", "down"), ("joined", "left"), ("hired", "fired"),
    ("bought", "sold"), ("success", "failure"), ("agreed", "refused"), ("survived", "died"), ("guilty", "innocent"),
    ("legal", "illegal"), ("male", "female"), ("north", "south"), ("east", "west"), ("strong", "weak"),
)
_SWAP = {a: b for a, b in _ANTONYMS} | {b: a for a, b in _ANTONYMS}
_AUX = ("is", "was", "are", "were", "has", "have", "had", "will", "can", "could", "would", "should", "did", "does")
_NEGATED = re.compile(r"\b(is|was|are|were|has|have|had|will|can|could|would|should|did|does|do) not\b|"
                      r"\b(isn't|wasn't|aren't|weren't|hasn't|haven't|hadn't|won't|can't|couldn't|wouldn't|"
                      r"shouldn't|didn't|doesn't|don't)\b|\b(never)\s")
_CONTRACTED = {"isn't": "is", "wasn't": "was", "aren't": "are", "weren't": "were", "hasn't": "has",
               "haven't": "have", "hadn't": "had", "won't": "will", "can't": "can", "couldn't": "could",
               "wouldn't": "would", "shouldn't": "should", "didn't": "did", "doesn't": "does", "don't": "do"}
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.]*\d)")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS + _DAYS) + r")\b")
_CLAUSE_CUT = re.compile(r",\s+(?:which|who|where|while|after|before|as|although|because|but|and|according)\b")


@dataclass(frozen=True)
class Article:
    """A real article as sentences, each with its named entities ((text, label) pairs)."""

    id: str
    sentences: tuple[str, ...]
    entities: tuple[tuple[tuple[str, str], ...], ...]


@dataclass(frozen=True)
class SyntheticPair:
    id: str
    kind: str  # the perturbation: number, date, negation, antonym, entity, copy, clause, other
    label: str  # contradiction | agreement | neutral
    text_a: str
    text_b: str
    group: str  # the source article's group key (training keeps it on the side of its fold)

    def as_row(self) -> dict:
        return {"id": self.id, "task": "synthetic", "source": f"synthetic:{self.kind}", "text_a": self.text_a,
                "text_b": self.text_b, "gold": self.label, "tags": [self.kind]}


def change_number(sentence: str, rng: random.Random) -> str | None:
    """Another figure for one number of the sentence (years are left to ``change_date``)."""
    found = [m for m in _NUMBER.finditer(sentence) if not _YEAR.fullmatch(m.group(1))]
    if not found:
        return None
    m = rng.choice(found)
    raw = m.group(1)
    value = float(raw.replace(",", ""))
    factor = rng.choice((0.5, 0.6, 0.75, 1.5, 2.0, 3.0)) if value > 2 else rng.choice((3.0, 4.0, 5.0))
    new = value * factor
    if "." in raw:
        text = f"{new:.{len(raw.split('.')[1])}f}"
    else:
        new = int(round(new))
        if new == int(value):
            new += 1
        text = f"{new:,}" if "," in raw else str(new)
    return sentence[:m.start(1)] + text + sentence[m.end(1):]


def change_date(sentence: str, rng: random.Random) -> str | None:
    """Another year, month or weekday for one date word of the sentence."""
    years = list(_YEAR.finditer(sentence))
    names = list(_MONTH.finditer(sentence))
    if not years and not names:
        return None
    m = rng.choice(years + names)
    word = m.group(0)
    if word.isdigit():
        new = str(int(word) + rng.choice((-3, -2, -1, 1, 2, 3)))
    else:
        pool = _MONTHS if word in _MONTHS else _DAYS
        new = rng.choice([w for w in pool if w != word])
    return sentence[:m.start()] + new + sentence[m.end():]


def flip_negation(sentence: str, rng: random.Random) -> str | None:
    """Remove the sentence's negation, or insert one after its first auxiliary verb."""
    m = _NEGATED.search(sentence)
    if m:
        if m.group(1):
            return sentence[:m.start()] + m.group(1) + sentence[m.end():]
        if m.group(2):
            word = m.group(2)
            return sentence[:m.start()] + _CONTRACTED[word.lower()] + sentence[m.end():]
        return sentence[:m.start()] + sentence[m.end():]
    aux = re.search(r"\b(" + "|".join(_AUX) + r")\b", sentence)
    if not aux:
        return None
    return sentence[:aux.end()] + " not" + sentence[aux.end():]


# a figure stated as a bound, the way a claim restates a reported figure ("more than 40 people died"):
# (words, direction) where direction says how the bound relates to the true figure for the claim to hold
BOUNDS = (("more than", ">"), ("over", ">"), ("at least", ">="), ("less than", "<"), ("under", "<"),
          ("fewer than", "<"), ("about", "~"), ("around", "~"))
_ALREADY_BOUNDED = re.compile(r"\b(more|less|fewer|over|under|least|most|about|around|nearly|almost|up to|some|"
                              r"roughly|approximately|than|no\.|No\.)\s*[$£€]?\s*$", re.IGNORECASE)


def bound_figure(sentence: str, rng: random.Random, label: str) -> str | None:
    """One exact figure of the sentence restated as a bound that holds (``label`` "agreement": 40 ->
    "more than 30") or fails ("contradiction": 40 -> "more than 80", "less than 20", "about 120").

    Why: revisions and restatements of figures ("over 7.5" against "7.4") are a large share of the
    contradictions a news checker meets, and the one-edit ``change_number`` pairs never teach that a
    bound can be consistent with a figure. Years, dates, times and figures already bounded are left
    alone; figures under 3 too (small counts read as words)."""
    found = []
    for m in _NUMBER.finditer(sentence):
        raw = m.group(1)
        before = sentence[max(0, m.start(1) - 24):m.start(1)]
        after = sentence[m.end(1):m.end(1) + 3]
        if _YEAR.fullmatch(raw) or _ALREADY_BOUNDED.search(before) or _MONTH.search(before[-10:]) or \
                after[:1] in (":", "/", "-") or before[-1:] in ("/", "-", "#"):
            continue
        value = float(raw.replace(",", ""))
        if value >= 3:
            found.append(m)
    if not found:
        return None
    m = rng.choice(found)
    raw = m.group(1)
    value = float(raw.replace(",", ""))
    words, direction = rng.choice(BOUNDS)
    holds = label == "agreement"
    if direction == ">":
        factor = rng.choice((0.5, 0.7, 0.8)) if holds else rng.choice((1.5, 2.0, 3.0))
    elif direction == ">=":
        factor = rng.choice((0.6, 0.8, 1.0)) if holds else rng.choice((1.5, 2.0, 3.0))
    elif direction == "<":
        factor = rng.choice((1.3, 1.5, 2.0)) if holds else rng.choice((0.3, 0.5, 0.7))
    else:  # about
        factor = 1.0 if holds else rng.choice((0.3, 3.0, 4.0))
    bound = _nice(value * factor, raw, keep=factor == 1.0)
    number = float(bound.replace(",", ""))
    ok = {">": number < value, ">=": number <= value, "<": number > value,
          "~": abs(number - value) <= 0.1 * value}[direction]
    if ok != holds or (not holds and abs(number - value) < 0.25 * value):
        return None  # rounding blurred the edit: no pair rather than a wrong label
    start = m.start(1)
    while start > 0 and sentence[start - 1] in "$£€":
        start -= 1
    return sentence[:start] + words + " " + sentence[start:m.start(1)] + bound + sentence[m.end(1):]


def _nice(value: float, like: str, keep: bool) -> str:
    """``value`` written as a reporter would round it, in the style of ``like`` (decimals, thousands commas)."""
    if keep:
        return like
    if "." in like:
        return f"{value:.{len(like.split('.')[1])}f}"
    digits = len(str(int(value)))
    step = 10 ** max(0, digits - 2)
    number = int(round(value / step) * step) or 1
    return f"{number:,}" if "," in like else str(number)


def swap_antonym(sentence: str, rng: random.Random) -> str | None:
    """One word replaced by its opposite (rose -> fell, won -> lost)."""
    found = [m for m in re.finditer(r"\b[a-z]+\b", sentence) if m.group(0) in _SWAP]
    if not found:
        return None
    m = rng.choice(found)
    return sentence[:m.start()] + _SWAP[m.group(0)] + sentence[m.end():]


def swap_entity(sentence: str, entities: Sequence[tuple[str, str]], pool: Sequence[tuple[str, str]],
                rng: random.Random) -> str | None:
    """A named person, organisation or place replaced by another one of the same type."""
    mine = [(t, lab) for t, lab in entities if lab in ("PERSON", "ORG", "GPE") and t in sentence]
    if not mine:
        return None
    text, label = rng.choice(mine)
    others = sorted({t for t, lab in pool if lab == label and t != text and t not in sentence and text not in t})
    if not others:
        return None
    return sentence.replace(text, rng.choice(others), 1)


def main_clause(sentence: str, rng: random.Random) -> str | None:
    """The sentence without its trailing clause (", which ...", ", according to ..."): still entailed."""
    m = _CLAUSE_CUT.search(sentence)
    if not m or m.start() < 25:
        return None
    return sentence[:m.start()].rstrip() + "."


# how often each kind is wanted relative to the others (contradiction kinds each once, neutral twice)
WEIGHTS = {"number": 1.0, "date": 1.0, "negation": 1.0, "antonym": 1.0, "entity": 1.0, "copy": 1.0, "clause": 1.0,
           "other": 2.0}


def generate(articles: Iterable[Article], seed: int = 13, per_article: int = 8) -> list[SyntheticPair]:
    """Labelled pairs from the articles: for up to ``per_article`` sentences each, one perturbation per
    sentence, the applicable kind that is furthest behind its share (``WEIGHTS``), so rare kinds
    (a date to change, an antonym to swap) are used whenever a sentence allows them."""
    rng = random.Random(seed)
    out: list[SyntheticPair] = []
    counts = dict.fromkeys(WEIGHTS, 0)
    for art in articles:
        n = len(art.sentences)
        usable = [i for i, s in enumerate(art.sentences) if 8 <= len(s.split()) <= 45]
        rng.shuffle(usable)
        pool = [e for ents in art.entities for e in ents]
        for i in sorted(usable[:per_article]):
            sentence = art.sentences[i]
            window = " ".join(art.sentences[max(0, i - 1):i + 2])
            options = {}
            for kind in WEIGHTS:
                claim = _apply(kind, art, i, pool, rng, n)
                if claim and claim.strip() and (claim != sentence or kind == "copy"):
                    options[kind] = claim
            if not options:
                continue
            kind = min(options, key=lambda k: (counts[k] / WEIGHTS[k], list(WEIGHTS).index(k)))
            counts[kind] += 1
            claim = options[kind]
            digest = hashlib.sha1(f"{art.id}|{i}|{kind}|{claim}".encode()).hexdigest()[:12]
            out.append(SyntheticPair(f"syn-{kind}-{digest}", kind, LABEL_OF[kind], window, claim, art.id))
    return out


def _apply(kind: str, art: Article, i: int, pool: Sequence[tuple[str, str]], rng: random.Random,
           n: int) -> str | None:
    s = art.sentences[i]
    if kind == "number":
        return change_number(s, rng)
    if kind == "date":
        return change_date(s, rng)
    if kind == "negation":
        return flip_negation(s, rng)
    if kind == "antonym":
        return swap_antonym(s, rng)
    if kind == "entity":
        return swap_entity(s, art.entities[i], pool, rng)
    if kind == "copy":
        return s
    if kind == "clause":
        return main_clause(s, rng)
    far = [j for j in range(n) if abs(j - i) > 2 and 8 <= len(art.sentences[j].split()) <= 45]
    return art.sentences[rng.choice(far)] if far else None


def articles_from_texts(texts: Sequence[tuple[str, str]], nlp) -> list[Article]:
    """(group id, text) pairs as Articles: spaCy sentences and entities, in the given order."""
    out = []
    for (gid, text), doc in zip(texts, nlp.pipe([t for _, t in texts], batch_size=16)):
        sents = [s for s in doc.sents if s.text.strip()]
        out.append(Article(gid, tuple(s.text.strip() for s in sents),
                           tuple(tuple((e.text, e.label_) for e in s.ents) for s in sents)))
    return out
