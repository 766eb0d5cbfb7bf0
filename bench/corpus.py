"""Benchmark corpora of N news articles, built at bench time from real text (never stored in the repo).

Text comes from the sample articles in ``sources/`` and the FNC-1 article bodies (``text_a``) in
``/work/shared/eval/dev/fnc1.jsonl``, read when a corpus is generated. Bodies are grouped into
stories the way FNC-1 groups them: two bodies that answer the same headline (a related row, not
an "unrelated" one) cover the same event; connected bodies form one story, dated within a few
days of each other, stories weeks apart.

There are ~450 distinct bodies, so a corpus of more articles reuses bodies the way outlets reuse
wire copy: each further article from a body keeps a random subset of its paragraphs (at least
60 %), its figures nudged and a few common words swapped for synonyms, so that most, not all, of
its sentences differ from the other copies. ``generate`` reports how many paragraphs are unique.

    python bench/corpus.py 1000 /tmp/corpus-1000        # writes 1000 .md files with front matter
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FNC1 = Path("/work/shared/eval/dev/fnc1.jsonl")
OUTLETS = ("Reuters", "AP", "BBC", "CNN", "Guardian", "Bloomberg", "WSJ", "NYT", "Verge", "Wired", "Mirror",
           "Daily Mail", "Independent", "Telegraph", "Sky News", "Fox News", "ABC", "CBS", "NBC", "Al Jazeera")
SYNONYMS = {"said": "stated", "says": "states", "announced": "unveiled", "company": "firm", "reported": "said",
            "according to": "citing", "however": "but", "also": "additionally", "people": "individuals",
            "told": "informed", "about": "around", "big": "large", "new": "fresh", "show": "reveal",
            "claimed": "asserted", "officials": "authorities", "week": "seven days", "began": "started",
            "large": "sizeable", "quickly": "rapidly", "near": "close to", "help": "assist", "buy": "purchase"}
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w])")


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    outlet: str
    published: dt.date
    story: str
    text: str

    def markdown(self) -> str:
        title = self.title.replace('"', "'")
        return (f"---\ntitle: \"{title}\"\noutlet: {self.outlet}\npublished: {self.published.isoformat()}\n---\n"
                f"{self.text.strip()}\n")


@dataclass(frozen=True)
class Body:
    story: str
    title: str
    text: str
    published: dt.date


def load_pool(fnc1: Path = FNC1) -> list[Body]:
    """Every distinct body with a story and a headline: the sample articles first, then FNC-1's."""
    pool: list[Body] = []
    for path in sorted((ROOT / "sources").glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        _, front, body = raw.split("---", 2)
        title = re.search(r'^title:\s*"?(.*?)"?\s*$', front, re.M)
        published = dt.date.fromisoformat(path.name[:10])
        story = "sample-tv" if published.year == 2013 else "sample-genie"
        pool.append(Body(story, title.group(1) if title else path.stem, body.strip(), published))
    if not fnc1.exists():
        return pool
    rows = [json.loads(line) for line in fnc1.read_text(encoding="utf-8").splitlines() if line.strip()]
    related = [r for r in rows if r["gold"] != "unrelated"]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_headline: dict[str, list[str]] = {}
    headline_of: dict[str, str] = {}
    for r in related:
        by_headline.setdefault(r["text_b"], []).append(r["text_a"])
        headline_of.setdefault(r["text_a"], r["text_b"])
    for bodies in by_headline.values():
        for b in bodies[1:]:
            parent[find(b)] = find(bodies[0])
    roots = sorted({find(b) for b in headline_of}, key=lambda b: headline_of[b])
    story_of = {root: n for n, root in enumerate(roots)}
    base = dt.date(2014, 6, 1)
    rng = random.Random(7)
    for body in sorted(headline_of, key=lambda b: (story_of[find(b)], headline_of[b], b[:50])):
        n = story_of[find(body)]
        pool.append(Body(f"fnc1-{n:03d}", headline_of[body], body.strip(),
                         base + dt.timedelta(days=21 * n + rng.randint(0, 4))))
    return pool


def _rewrite(paragraph: str, rng: random.Random) -> str:
    """Figures nudged by up to 20 %, some common words swapped: another outlet's copy of the same wire."""
    def nudge(m: re.Match) -> str:
        raw = m.group(1)
        if rng.random() < 0.5 or (len(raw) == 4 and raw.startswith(("19", "20"))):  # keep years
            return raw
        value = float(raw.replace(",", "")) * rng.uniform(1.01, 1.2)
        if "," in raw:
            return f"{round(value):,}"
        return f"{value:.1f}" if "." in raw else str(max(1, round(value)))

    out = _NUMBER.sub(nudge, paragraph)
    for word in rng.sample(sorted(SYNONYMS), k=8):
        out = re.sub(rf"\b{word}\b", SYNONYMS[word], out)
    return out


def generate(n: int, seed: int = 0, pool: list[Body] | None = None) -> tuple[list[Article], dict]:
    """N articles spread over the pool's stories; the first copy of every body is verbatim."""
    pool = pool if pool is not None else load_pool()
    rng = random.Random(seed)
    order = list(range(len(pool)))
    rng.shuffle(order)
    uses: dict[int, int] = {}
    seen_paragraphs: set[str] = set()
    paragraphs_total = 0
    articles = []
    for k in range(n):
        b = order[k % len(order)]
        body = pool[b]
        copy = uses.get(b, 0)
        uses[b] = copy + 1
        paragraphs = [p for p in re.split(r"\n\s*\n", body.text) if p.strip()]
        if copy:
            keep = max(1, min(len(paragraphs), round(len(paragraphs) * rng.uniform(0.6, 1.0))))
            chosen = sorted(rng.sample(range(len(paragraphs)), keep))
            paragraphs = [_rewrite(paragraphs[i], rng) for i in chosen]
        paragraphs_total += len(paragraphs)
        seen_paragraphs.update(paragraphs)
        published = body.published + dt.timedelta(days=rng.randint(0, 2) if copy else 0)
        outlet = OUTLETS[(b + copy) % len(OUTLETS)]
        title = body.title if not copy else _rewrite(body.title, rng)
        articles.append(Article(f"a{k:05d}", title, outlet, published, body.story, "\n\n".join(paragraphs)))
    stats = {"articles": n, "bodies": len(pool), "stories": len({a.story for a in articles}),
             "paragraphs": paragraphs_total, "unique_paragraphs": len(seen_paragraphs),
             "words": sum(len(a.text.split()) for a in articles)}
    return articles, stats


def write(articles: list[Article], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for a in articles:
        (folder / f"{a.id}.md").write_text(a.markdown(), encoding="utf-8")
    # the true grouping, beside the folder (a .json inside would be read as articles)
    folder.with_name(folder.name + ".stories.json").write_text(json.dumps({a.id: a.story for a in articles}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    articles, stats = generate(args.n, args.seed)
    write(articles, args.folder)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main())
