"""The contradiction model's training pairs: which rows, from where, shaped as the pipeline will ask.

Why sentence-level pairs: at run time the model judges one statement against one statement
(alignment picks them); a long article body (ARC, FNC-1) is cut to the few sentences that share the
most content words with the claim, the way alignment would pick them, so training sees the same
shape and costs ~50 tokens a pair instead of 512.

Rules of use (``../shared/train/README.md``): shipped weights learn only from licence-compatible
files (never ``sick``, ``xnli_en``, ANLI or VitaminC); FNC-1 rows of ``../shared/eval/dev`` only
from the training fold (``fnc1_fold``) and never a body of ``../shared/eval/stories`` (the stories
bench stays unseen). Everything is drawn with one seeded ``random.Random``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

LABELS = ("agreement", "neutral", "contradiction")

# file -> rows drawn (None: all); files not named here are never used for shipped weights
SHIPPABLE: dict[str, int | None] = {
    "mnli_dev_matched": None,
    "snli_dev": 6000,
    "snli_counterfactual": None,
    "conjnli": 6000,
    "breaking_nli": 3000,
    "climate_fever": None,
    "perspectrum": None,
    "arc_stance": None,  # related rows all; unrelated ones sampled (see ``UNRELATED_SHARE``)
    "fnc1_dev_rest": 1500,  # unrelated headline/body pairs: neutral
}
NOT_FOR_SHIPPING = ("sick", "xnli_en")
UNRELATED_SHARE = 0.12  # of a stance file's unrelated rows kept, as neutral
GOLD = {"agreement": "agreement", "neutral": "neutral", "contradiction": "contradiction",
        "unrelated": "neutral", "agree": "agreement", "disagree": "contradiction", "discuss": "neutral"}

_SENTENCE_END = re.compile(r"(?<=[.!?…”\"])\s+(?=[\"“A-Z0-9])|\n+")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("""a an the and or but of to in on at for with by from as is are was were be been being it its this
that these those he she they we you i his her their our your not no yes do does did has have had will would can could
may might shall should about after before over under than then there here what which who whom whose when where why how
said says say also just more most some any all into out up down off so if""".split())


@dataclass(frozen=True)
class Pair:
    id: str
    source: str
    premise: str
    hypothesis: str
    label: str  # one of LABELS

    def as_row(self) -> dict:
        return {"id": self.id, "source": self.source, "premise": self.premise, "hypothesis": self.hypothesis,
                "label": self.label}


def read_jsonl(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def sentences(text: str) -> list[str]:
    """A cheap sentence split (regex): good enough to pick evidence sentences out of a body."""
    return [s.strip() for s in _SENTENCE_END.split(text) if len(s.strip()) > 20]


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def evidence_sentences(body: str, claim: str, k: int = 2, max_words: int = 70) -> str:
    """The ``k`` sentences of ``body`` that share the most content words with ``claim``, in body order."""
    found = sentences(body)
    if len(found) <= 1:
        return " ".join(body.split()[:max_words])
    want = content_words(claim)
    ranked = sorted(range(len(found)), key=lambda i: (-len(content_words(found[i]) & want), i))[:k]
    words = " ".join(found[i] for i in sorted(ranked)).split()
    return " ".join(words[:max_words])


def body_key(text: str) -> str:
    """A body's identity across files: its first 200 characters, white space folded."""
    return " ".join(text.split())[:200]


def story_bodies(stories_dir: Path) -> set[str]:
    """Body keys of every article in the stories bench (kept out of training)."""
    keys = set()
    for path in sorted(stories_dir.glob("*/*/*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---"):
            text = text.split("---", 2)[2]
        keys.add(body_key(text))
    return keys


def fnc1_fold(body: str, folds: int = 2) -> int:
    """The FNC-1 fold of a row, by its body (a body never straddles folds): fold 0 trains, the rest measure."""
    return int(hashlib.sha1(body_key(body).encode()).hexdigest(), 16) % folds


def _take(rows: list[dict], n: int | None, rng: random.Random) -> list[dict]:
    if n is None or n >= len(rows):
        return rows
    return rng.sample(rows, n)


def _pair(row: dict, source: str, stance: bool) -> Pair | None:
    label = GOLD.get(row["gold"])
    if label is None:
        return None
    premise = evidence_sentences(row["text_a"], row["text_b"]) if stance else row["text_a"]
    return Pair(row["id"], source, premise, row["text_b"], label)


def labelled_pairs(train_dir: Path, dev_dir: Path | None, stories_dir: Path | None, rng: random.Random,
                   files: dict[str, int | None] = SHIPPABLE) -> list[Pair]:
    """Rows of the shippable files (and the FNC-1 training fold), as sentence-level pairs."""
    banned = story_bodies(stories_dir) if stories_dir and stories_dir.exists() else set()
    out: list[Pair] = []
    for name, n in files.items():
        if name in NOT_FOR_SHIPPING:
            raise ValueError(f"{name} may not be used for shipped weights")
        rows = [r for r in read_jsonl(train_dir / f"{name}.jsonl.gz") if body_key(r["text_a"]) not in banned]
        stance = rows[0]["task"] == "stance" if rows else False
        if name == "arc_stance":
            related = [r for r in rows if r["gold"] != "unrelated"]
            unrelated = [r for r in rows if r["gold"] == "unrelated"]
            rows = related + _take(unrelated, int(len(unrelated) * UNRELATED_SHARE), rng)
        else:
            rows = _take(rows, n, rng)
        out.extend(p for p in (_pair(r, name, stance) for r in rows) if p is not None)
    if dev_dir is not None:
        out.extend(fnc1_training_fold(dev_dir / "fnc1.jsonl", banned, rng))
    return out


def fnc1_training_fold(path: Path, banned: set[str], rng: random.Random, repeat_related: int = 2) -> list[Pair]:
    """FNC-1 dev rows of fold 0 whose body is not in the stories bench; related rows twice (they are rare)."""
    rows = [r for r in read_jsonl(path) if fnc1_fold(r["text_a"]) == 0 and body_key(r["text_a"]) not in banned]
    related = [r for r in rows if r["gold"] != "unrelated"]
    unrelated = _take([r for r in rows if r["gold"] == "unrelated"], len(related), rng)
    out = []
    for r in related * repeat_related + unrelated:
        p = _pair(r, "fnc1_dev_fold0", stance=True)
        if p is not None:
            out.append(p)
    return out


# "refuted" templates: a sentence reported as false, the way debunking articles phrase it
REFUTED = (
    "Reports that {s} are false.", "There is no truth to claims that {s}.", "It is not true that {s}.",
    "The story that {s} turned out to be a hoax.", "Claims that {s} have been debunked.",
    "Officials denied that {s}.", "The report that {s} was fabricated.",
)


def refuted_pairs(sentence_pool: Iterable[tuple[str, str]], rng: random.Random, n: int) -> list[Pair]:
    """Contradictions in the debunking register: a claim, and the same claim called false."""
    pool = [(g, s) for g, s in sentence_pool if 8 <= len(s.split()) <= 35 and s.endswith(".")]
    out = []
    for g, s in rng.sample(pool, min(n, len(pool))):
        inner = s[0].lower() + s[1:-1] if not s[:2].isupper() else s[:-1]
        refuted = rng.choice(REFUTED).format(s=inner)
        a, b = (s, refuted) if rng.random() < 0.5 else (refuted, s)
        digest = hashlib.sha1(f"{g}|{refuted}".encode()).hexdigest()[:12]
        out.append(Pair(f"syn-refuted-{digest}", "synthetic:refuted", a, b, "contradiction"))
    return out


def synthetic_pairs(bodies: list[tuple[str, str]], nlp, rng: random.Random, per_article: int = 8,
                    refuted: int = 1500, bounded: int = 0) -> list[Pair]:
    """FactCC-style pairs from real news bodies (``training.synthetic``) plus the refuted register.

    The claim side is the perturbed sentence; the evidence side is the original sentence alone (the
    pipeline judges sentence against sentence). Contradictions are swapped in order half the time:
    a contradiction is symmetric, and the pipeline has no premise side.
    """
    from crosscheck.training.synthetic import articles_from_texts, generate

    articles = articles_from_texts(bodies, nlp)
    out = []
    for p in generate(articles, seed=rng.randrange(1 << 30), per_article=per_article):
        original = p.text_a
        art = next(a for a in articles if a.id == p.group)  # small lists; clarity over speed
        # the window holds the sentence: find it again for a sentence-level premise
        for s in art.sentences:
            if s in original and (p.kind in ("copy", "clause", "other") or s != p.text_b):
                if p.kind == "other" or _close(s, p.text_b):
                    original = s
                    break
        a, b = original, p.text_b
        if p.label == "contradiction" and rng.random() < 0.5:
            a, b = b, a
        out.append(Pair(p.id, f"synthetic:{p.kind}", a, b, p.label))
    pool = [(a.id, s) for a in articles for s in a.sentences]
    out.extend(refuted_pairs(pool, rng, refuted))
    out.extend(same_story_pairs(articles, rng, neutral=2500, attributed=800))
    out.extend(variant_pairs(articles, rng, n=3500))
    if bounded:  # drawn last: the pairs above are the same with and without them
        out.extend(bounded_pairs(articles, rng, bounded))
    return out


def bounded_pairs(articles, rng: random.Random, n: int, per_sentence: int = 2) -> list[Pair]:
    """A sentence's figure restated as a bound that holds (agreement) and as bounds that fail (contradiction):
    contrastive pairs, up to ``per_sentence`` of each label from one sentence
    (``training.synthetic.bound_figure``). The exact sentence is the premise of an agreement (it entails
    the bound, not the other way round); a contradiction is swapped in order half the time."""
    from crosscheck.training.synthetic import bound_figure

    pool = [(a.id, s) for a in articles for s in a.sentences if 6 <= len(s.split()) <= 50]
    rng.shuffle(pool)
    out: list[Pair] = []
    for g, s in pool:
        if len(out) >= n:
            break
        claims = {(label, bound_figure(s, rng, label)) for label in (LABELS[0], LABELS[2]) * per_sentence}
        for label, claim in sorted((lab, c) for lab, c in claims if c is not None):
            a, b = (claim, s) if label == "contradiction" and rng.random() < 0.5 else (s, claim)
            digest = hashlib.sha1(f"{g}|{a}|{b}".encode()).hexdigest()[:12]
            out.append(Pair(f"syn-bound-{digest}", "synthetic:bound", a, b, label))
    return out[:n]


# wordings that outlets change without changing the claim (a reprint, an edited copy of wire text)
_BENIGN = ((" per cent", "%"), (" percent", "%"), ("%", " percent"), ("cell phone", "mobile phone"),
           (" mobile ", " cell phone "), (" told ", " said to "), ("\u2019", "'"), ("'", "\u2019"), ("\u201c", '"'),
           ("\u201d", '"'), (" — ", ", "), (" - ", ", "), ("U.S.", "US"), ("Mr. ", "Mr "), (" and ", " & "),
           ("approximately", "about"), ("more than", "over"), ("because", "as"), (" however", " but"))
_APPOSITION = re.compile(r", (?:aged )?\d{1,3},")
_OPENER = re.compile(r"^(But|However|And|Meanwhile|Still|Now|Also),?\s+")


def benign_variant(sentence: str, rng: random.Random) -> str | None:
    """The sentence as another outlet might print it: typography, a synonym, an age apposition or an
    opening connective dropped, a trailing clause cut. Never a changed figure, name, date or polarity."""
    from crosscheck.training.synthetic import main_clause

    options = []
    for old, new in _BENIGN:
        if old in sentence:
            options.append(sentence.replace(old, new, 1))
    if _APPOSITION.search(sentence):
        options.append(_APPOSITION.sub("", sentence, count=1))
    if _OPENER.match(sentence):
        rest = _OPENER.sub("", sentence, count=1)
        options.append(rest[:1].upper() + rest[1:])
    cut = main_clause(sentence, rng)
    if cut:
        options.append(cut)
    options = [o for o in options if o != sentence]
    return rng.choice(options) if options else None


def variant_pairs(articles, rng: random.Random, n: int) -> list[Pair]:
    """Agreement between a sentence and itself as reprinted: an exact copy (a third) or a benign variant.

    Why: the contradiction pairs made by perturbation are near-copies with one edit; without near-copies
    that agree, a model learns "almost the same sentence = contradiction" and flags every reprint."""
    pool = [(a.id, s) for a in articles for s in a.sentences if 6 <= len(s.split()) <= 50]
    out: list[Pair] = []
    for g, s in rng.sample(pool, min(n, len(pool))):
        other = s if rng.random() < 0.33 else benign_variant(s, rng)
        if other is None:
            other = s
        # a cut clause is entailed by the full sentence, not the other way round: full sentence first
        a, b = (s, other) if len(other) < len(s) or rng.random() < 0.5 else (other, s)
        digest = hashlib.sha1(f"{g}|{a}|{b}".encode()).hexdigest()[:12]
        out.append(Pair(f"syn-variant-{digest}", "synthetic:variant", a, b, "agreement"))
    return out


ATTRIBUTED = ("According to reports, {s}", "Officials said {s}", "The company said {s}",
              "Local media reported that {s}", "Sources told the newspaper that {s}")


def same_story_pairs(articles, rng: random.Random, neutral: int, attributed: int) -> list[Pair]:
    """The shapes that make false alarms on real stories, labelled as they are:

    * neutral: two sentences of one article, three or more apart, sharing a content word (the same
      story, another claim: what alignment proposes across outlets that all agree);
    * agreement: a sentence and the same sentence attributed to someone ("Officials said ...").
    """
    out: list[Pair] = []
    usable = [(a, [s for s in a.sentences if 8 <= len(s.split()) <= 45]) for a in articles]
    usable = [(a, ss) for a, ss in usable if len(ss) >= 5]
    tries = 0
    while usable and sum(p.label == "neutral" for p in out) < neutral and tries < neutral * 10:
        tries += 1
        art, ss = rng.choice(usable)
        i, j = sorted(rng.sample(range(len(ss)), 2))
        if j - i < 3 or not content_words(ss[i]) & content_words(ss[j]):
            continue
        a, b = (ss[i], ss[j]) if rng.random() < 0.5 else (ss[j], ss[i])
        digest = hashlib.sha1(f"{art.id}|{a}|{b}".encode()).hexdigest()[:12]
        out.append(Pair(f"syn-story-{digest}", "synthetic:same_story", a, b, "neutral"))
    for _ in range(attributed):
        if not usable:
            break
        art, ss = rng.choice(usable)
        s = rng.choice(ss)
        if s[:2].isupper():
            continue
        claim = rng.choice(ATTRIBUTED).format(s=s[0].lower() + s[1:])
        a, b = (s, claim) if rng.random() < 0.5 else (claim, s)
        digest = hashlib.sha1(f"{art.id}|{claim}".encode()).hexdigest()[:12]
        out.append(Pair(f"syn-attr-{digest}", "synthetic:attributed", a, b, "agreement"))
    return out


def _close(a: str, b: str) -> bool:
    wa, wb = set(a.split()), set(b.split())
    return len(wa & wb) >= 0.6 * max(1, min(len(wa), len(wb)))


def news_bodies(train_dir: Path, dev_dir: Path | None, stories_dir: Path | None, limit: int,
                rng: random.Random, also: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Distinct FNC-1 bodies for synthetic pairs: the unrelated file's and fold 0 of the dev file, never a
    stories-bench body and never a fold-1 (measurement) body; then the articles of the shippable draft
    files named in ``also`` (FRANK's and QAGS's CNN/DailyMail and BBC articles: fold 0 has only 167
    FNC-1 bodies)."""
    out = _fnc1_bodies(train_dir, dev_dir, stories_dir, rng)
    for name in also:
        if name not in ("frank", "qags", "falke"):
            raise ValueError(f"{name}: not a shippable file of articles")
        seen = {body_key(r["text_a"]): r["text_a"] for r in read_jsonl(train_dir / f"{name}.jsonl.gz")
                if len(r["text_a"].split()) >= 80}
        keys = sorted(seen)
        rng.shuffle(keys)
        out += [(hashlib.sha1(k.encode()).hexdigest()[:10], seen[k]) for k in keys]
    return out[:limit]


def _fnc1_bodies(train_dir: Path, dev_dir: Path | None, stories_dir: Path | None,
                 rng: random.Random) -> list[tuple[str, str]]:
    banned = story_bodies(stories_dir) if stories_dir and stories_dir.exists() else set()
    seen: dict[str, str] = {}
    sources = [train_dir / "fnc1_dev_rest.jsonl.gz"] + ([dev_dir / "fnc1.jsonl"] if dev_dir else [])
    for path in sources:
        for r in read_jsonl(path):
            key = body_key(r["text_a"])
            if key in banned or key in seen or fnc1_fold(r["text_a"]) != 0:
                continue
            seen[key] = r["text_a"]
    keys = sorted(seen)
    rng.shuffle(keys)
    return [(hashlib.sha1(k.encode()).hexdigest()[:10], seen[k]) for k in keys]


def balance_report(pairs: Iterable[Pair]) -> dict[str, dict[str, int]]:
    out: dict[str, Counter] = {}
    for p in pairs:
        out.setdefault(p.source.split(":")[0] if p.source.startswith("synthetic") else p.source, Counter())[p.label] += 1
    return {k: dict(v) for k, v in sorted(out.items())}
