"""Real multi-outlet stories, checked the way an editor runs `crosscheck check FOLDER`.

Why: labelled pairs say how a verdict does on one pair; an editor sees a whole story. Each folder of
``../shared/eval/stories`` is one story made of FNC-1 article bodies about one claim, and its
``index.json`` says which bodies affirm the claim and which refute it:

* ``mixed/``: outlets that affirm and outlets that refute: crosscheck should report a conflict (a
  contradiction or an update) between an affirming and a refuting outlet ("contested found");
* ``unanimous/``: outlets that all affirm: any conflict is most likely a false alarm.

The trivial answers are printed beside the figures: "always a conflict" finds 100 % of the contested
and alarms on 100 % of the unanimous; "never" finds 0 % and alarms on 0 %. Every story goes through
one ``Pipeline`` (the same stages and settings as the command line), each folder analysed alone.

    python bench/stories.py [--stories ../shared/eval/stories] [--out bench/results/stories.md]
    python bench/stories.py --extra     # 55 more stories, built the same way from other FNC-1 bodies

``--extra`` builds a second, independent set the same way from ``../shared/eval/dev/fnc1.jsonl``: each
headline whose related bodies (none of them in any folder of ``../shared/eval/stories``) include an
affirming and a refuting one makes a mixed story (two of each at most), each with three affirming
bodies and no refuting one a unanimous story. The files go to a temporary folder and are never kept.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFLICTS = ("contradiction", "update")


def body_of(path: str) -> str:
    """The FNC-1 body id of an article file ("body-1118.md" -> "1118")."""
    return Path(path).stem.removeprefix("body-")


def judge_story(analysis, stances: dict[str, str]) -> dict:
    """What one story's findings say: conflicts across stances, any conflict, and which rules raised them."""
    path_of = {d.id: d.path for d in analysis.documents}
    across, any_conflict, rules = False, False, Counter()
    for f in analysis.findings:
        if f.kind not in CONFLICTS or len(f.statements) != 2:
            continue
        a, b = (stances.get(body_of(path_of[r.document]), "?") for r in f.statements)
        if a == b and f.statements[0].document == f.statements[1].document:
            continue  # one outlet with itself (an update within an article) is no conflict between outlets
        any_conflict = True
        rules[f.rule] += 1
        if {a, b} == {"agree", "disagree"}:
            across = True
    # the contradiction model alone: its highest contradiction probability across stances and anywhere
    doc_of = {s.id: s.document for s in analysis.statements}
    score_of = {(al.a, al.b): al.score for al in analysis.alignments}
    claim_keys = {(al.a, al.b) for al in analysis.claim_pairs}
    top = {"aligned": [0.0, 0.0], "claims": [0.0, 0.0]}  # [across stances, anywhere]
    for (a, b), (_, _, p_contra) in (analysis.judgements or {}).items():
        sa, sb = (stances.get(body_of(path_of[doc_of[x]]), "?") for x in (a, b))
        for which in ("claims", "aligned"):
            if (which == "claims" and (a, b) not in claim_keys) or \
                    (which == "aligned" and score_of.get((a, b), 0.0) < MIN_ALIGNMENT):
                continue
            top[which][1] = max(top[which][1], p_contra)
            if {sa, sb} == {"agree", "disagree"}:
                top[which][0] = max(top[which][0], p_contra)
    return {"across": across, "any": any_conflict, "rules": dict(rules),
            "findings": sum(1 for f in analysis.findings if f.kind in CONFLICTS),
            "model_top_across": round(top["aligned"][0], 4), "model_top_any": round(top["aligned"][1], 4),
            "claims_top_across": round(top["claims"][0], 4), "claims_top_any": round(top["claims"][1], 4)}


MIN_ALIGNMENT = 0.5  # NLI01's default: the curve below reads the pairs that rule reads


def model_curve(rows: list[dict], which: str = "model") -> list[tuple[float, float, float]]:
    """(threshold, contested stories whose best cross-stance pair reaches it, unanimous stories with any pair
    reaching it): what the contradiction model alone would find at each threshold, on aligned pairs
    (``model``) or on lead-claim pairs (``claims``)."""
    mixed = [r for r in rows if r["kind"] == "mixed"]
    unanimous = [r for r in rows if r["kind"] == "unanimous"]
    out = []
    for t in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98):
        out.append((t, sum(r[f"{which}_top_across"] >= t for r in mixed) / max(1, len(mixed)),
                    sum(r[f"{which}_top_any"] >= t for r in unanimous) / max(1, len(unanimous))))
    return out


def run(stories_dir: Path, settings=None, nli_params: dict | None = None) -> dict:
    sys.path.insert(0, str(ROOT / "src"))
    from dataclasses import replace

    from crosscheck.verdicts.rules.ruleset import load_rules
    from crosscheck.pipeline import Pipeline, Settings

    index = json.loads((stories_dir / "index.json").read_text())
    rules = load_rules(())
    if nli_params:  # trying other NLI01 parameters without editing the rule file
        rules = [replace(r, params=r.params.model_copy(update=nli_params)) if r.kind == "nli" else r for r in rules]
    pipeline = Pipeline(settings or Settings(), rules=rules)
    rows = []
    started = time.perf_counter()
    for entry in index:
        analysis = pipeline.check_paths([stories_dir / entry["dir"]])
        rows.append({"dir": entry["dir"], "kind": entry["kind"], **judge_story(analysis, entry["bodies"])})
    pipeline.close()
    mixed = [r for r in rows if r["kind"] == "mixed"]
    unanimous = [r for r in rows if r["kind"] == "unanimous"]
    rules_mixed = sum((Counter(r["rules"]) for r in mixed), Counter())
    rules_unanimous = sum((Counter(r["rules"]) for r in unanimous), Counter())
    return {
        "contested_found": sum(r["across"] for r in mixed) / max(1, len(mixed)),
        "unanimous_alarm": sum(r["any"] for r in unanimous) / max(1, len(unanimous)),
        "mixed": len(mixed), "unanimous": len(unanimous),
        "rules_mixed": dict(rules_mixed), "rules_unanimous": dict(rules_unanimous),
        "seconds": round(time.perf_counter() - started, 1), "rows": rows, "model_curve": model_curve(rows),
        "claims_curve": model_curve(rows, "claims"),
    }


def markdown(result: dict, command: str) -> str:
    lines = [
        "# Stories bench", "",
        f"Command: `{command}` ({time.strftime('%Y-%m-%d')}).", "",
        "| figure | crosscheck | always a conflict | never | target |",
        "|---|---|---|---|---|",
        f"| contested stories with a conflict between an affirming and a refuting outlet ({result['mixed']}) "
        f"| **{result['contested_found']:.0%}** | 100% | 0% | ≥ 50% |",
        f"| unanimous stories with any conflict ({result['unanimous']}) "
        f"| **{result['unanimous_alarm']:.0%}** | 100% | 0% | ≤ 20% |", "",
        f"Conflict findings by rule, mixed stories: {json.dumps(result['rules_mixed'], sort_keys=True)}; "
        f"unanimous stories: {json.dumps(result['rules_unanimous'], sort_keys=True)}.", "",
        f"{result['seconds']} s for all stories.", "",
        "The contradiction model alone, at each probability threshold (pairs aligned at 0.5 or more): "
        "contested stories whose best affirming/refuting pair reaches it, unanimous stories with any pair "
        "reaching it. Lead-claim pairs are judged only with NLI01's `lead_claims` above 0 (0 by default: "
        "`--nli lead_claims=2`).", "",
        "| threshold | aligned pairs: contested found | unanimous alarmed | lead-claim pairs: contested found | "
        "unanimous alarmed |", "|---|---|---|---|---|",
        *(f"| {t} | {a:.0%} | {u:.0%} | {ca:.0%} | {cu:.0%} |"
          for (t, a, u), (_, ca, cu) in zip(result["model_curve"], result["claims_curve"])), "",
        "| story | found across stances | any conflict | rules |", "|---|---|---|---|",
    ]
    for r in result["rows"]:
        lines.append(f"| {r['dir']} | {'yes' if r['across'] else ''} | {'yes' if r['any'] else ''} | "
                     f"{', '.join(f'{k} {v}' for k, v in sorted(r['rules'].items()))} |")
    return "\n".join(lines) + "\n"


def _value(text: str):
    """A --nli value as the rule file would read it: true/false, an integer or a number."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return int(text) if text.isdigit() else float(text)


def build_extra_stories(dev_file: Path, stories_dir: Path, out_dir: Path) -> Path:
    """Stories like ``stories_dir``'s from the FNC-1 dev bodies none of its stories uses; returns ``out_dir``."""
    import re
    from collections import defaultdict

    def key(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip()[:120]

    used = {key(p.read_text(encoding="utf-8").split("---", 2)[2]) for p in stories_dir.glob("*/*/*.md")}
    by_headline: dict[str, dict[str, str]] = defaultdict(dict)
    text_of: dict[str, str] = {}
    for line in dev_file.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["gold"] in ("agreement", "contradiction") and key(row["text_a"]) not in used:
            text_of.setdefault(key(row["text_a"]), row["text_a"])
            by_headline[row["text_b"]][key(row["text_a"])] = "agree" if row["gold"] == "agreement" else "disagree"
    body_id = {k: f"x{i}" for i, k in enumerate(text_of)}
    index, count = [], Counter()
    for headline in sorted(by_headline):
        bodies = by_headline[headline]
        agree = [k for k, v in bodies.items() if v == "agree"]
        disagree = [k for k, v in bodies.items() if v == "disagree"]
        if agree and disagree:
            kind, chosen = "mixed", agree[:2] + disagree[:2]
        elif len(agree) >= 3:
            kind, chosen = "unanimous", agree[:3]
        else:
            continue
        folder = f"{kind}/{count[kind]:03d}"
        count[kind] += 1
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
        for k in chosen:
            title = headline[:60].replace('"', "")
            (out_dir / folder / f"body-{body_id[k]}.md").write_text(
                f'---\ntitle: "{title}"\noutlet: "Outlet {body_id[k]}"\npublished: 2015-01-10\n---\n\n{text_of[k]}\n',
                encoding="utf-8")
        index.append({"kind": kind, "dir": folder, "headline": headline,
                      "bodies": {body_id[k]: bodies[k] for k in chosen}})
    (out_dir / "index.json").write_text(json.dumps(index, indent=1), encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=Path, default=ROOT.parent / "shared" / "eval" / "stories")
    parser.add_argument("--out", type=Path, default=None,
                        help="default bench/results/stories.md (stories-extra.md with --extra)")
    parser.add_argument("--extra", action="store_true",
                        help="the second set, built from FNC-1 dev bodies in no story of --stories")
    parser.add_argument("--no-combiner", action="store_true")
    parser.add_argument("--no-contradiction-model", action="store_true")
    parser.add_argument("--nli", action="append", default=[], metavar="PARAM=VALUE",
                        help="override an NLI01 parameter (e.g. min_contradiction=0.7) for this run")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    from crosscheck.pipeline import Settings

    settings = Settings(combiner=not args.no_combiner)
    if args.no_contradiction_model and "contradiction_model" in Settings.__dataclass_fields__:
        settings = Settings(combiner=not args.no_combiner, contradiction_model=False)
    nli_params = {k: _value(v) for k, v in (x.split("=", 1) for x in args.nli)}
    args.out = args.out or ROOT / "bench" / "results" / ("stories-extra.md" if args.extra else "stories.md")
    if args.extra:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            extra = build_extra_stories(args.stories.parent / "dev" / "fnc1.jsonl", args.stories, Path(tmp))
            result = run(extra, settings, nli_params)
    else:
        result = run(args.stories, settings, nli_params)
    command = "python bench/stories.py" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(result, command))
    args.out.with_suffix(".json").write_text(json.dumps(result, indent=1) + "\n")
    print(f"contested found {result['contested_found']:.0%} of {result['mixed']}; "
          f"unanimous alarmed {result['unanimous_alarm']:.0%} of {result['unanimous']}; "
          f"rules mixed {result['rules_mixed']} unanimous {result['rules_unanimous']}; {result['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
