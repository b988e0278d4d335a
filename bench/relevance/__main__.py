"""Precision and recall of the built-in topic "tajik-kazakh" on the labelled real corpus.

    python -m bench.relevance [--misses dev|held-out|fresh|all|none]

Each cached text is judged exactly as `newswatch match file.txt` judges it (decoded, no title,
the first paragraph as the lead, language detected) by the bundled rules. The topic is a
hand-written rule definition, tuned on the dev folds (1-3) only: the tables for the dev folds
and for the held-out folds (4-5) are printed separately, then all folds. The naive baseline
is "both countries are named" (@kazakhstan AND @tajikistan). Misjudged items are listed (by
default those of the dev folds; the held-out ones are for reporting, not for tuning).
Fresh batches (fresh*.tsv beside labels.tsv) were labelled blind after the topic was frozen.
Batches A, B and D were split by the same site folds (1-3 tuned on, 4-5 held out) and batches
C, E and F were held out whole, until session 25 tuned on all of them, and batch H (session 26)
was measured on arrival and tuned on since: their tables are dev figures now, and --misses
fresh lists their misjudged items. Batch G (fresh_g_*.tsv, session 25) is never tuned on: one
held-out table, no misses listed.
Exit 2 when cached texts are missing (--skip-missing: judge those cached and name the others).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from bench.relevance import (
    DEV_FOLDS,
    HELD_OUT_BATCHES,
    HELD_OUT_FOLDS,
    TUNED_BATCHES,
    CacheMissing,
    Item,
    learned,
    load_fresh,
    load_items,
)
from newswatch.alerts.engine import Matcher
from newswatch.alerts.query import parse_query
from newswatch.alerts.rules import Rule, load_rules
from newswatch.cli.match import text_document

TOPIC_RULE = "tajik-kazakh"
LANGUAGE_ORDER = ("ru", "kk", "tg", "en", "kk-arab")


@dataclass(frozen=True)
class Verdict:
    item: Item
    score: float  # 0 when the rule did not match
    baseline: bool

    @property
    def alerted(self) -> bool:
        return self.score > 0


def judge(items: Sequence[Item]) -> list[Verdict]:
    rules = [r for r in load_rules() if r.name == TOPIC_RULE]
    if not rules:
        raise SystemExit(f"the bundled rules have no rule named {TOPIC_RULE!r}")
    topic = Matcher.from_rules(rules)
    naive = Matcher.from_rules(
        [Rule(name="naive", query=parse_query("@kazakhstan AND @tajikistan"))]
    )
    verdicts = []
    for item in items:
        document = text_document(item.text.encode("utf-8"))
        matches = topic.match(document)
        score = max((m.score for m in matches), default=0.0)
        verdicts.append(Verdict(item, score, bool(naive.match(document))))
    return verdicts


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, label: int, alerted: bool) -> None:
        if label and alerted:
            self.tp += 1
        elif label:
            self.fn += 1
        elif alerted:
            self.fp += 1
        else:
            self.tn += 1

    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def f1(self) -> float | None:
        p, r = self.precision(), self.recall()
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


def count(verdicts: Iterable[Verdict], decide: Callable[[Verdict], bool]) -> Counts:
    counts = Counts()
    for v in verdicts:
        counts.add(v.item.label, decide(v))
    return counts


def table(title: str, verdicts: Sequence[Verdict]) -> None:
    """One block: overall, per language, hard negatives, per positive kind, naive baseline."""
    print(f"\n## {title}: {len(verdicts)} items")
    print(f"{'':22}{'pos':>5}{'neg':>5}{'TP':>5}{'FP':>5}{'FN':>5}{'P':>7}{'R':>7}{'F1':>7}")

    def row(name: str, subset: Sequence[Verdict], decide=lambda v: v.alerted) -> None:
        c = count(subset, decide)
        positives = sum(v.item.label for v in subset)
        print(
            f"{name:22}{positives:>5}{len(subset) - positives:>5}{c.tp:>5}{c.fp:>5}{c.fn:>5}"
            f"{_fmt(c.precision()):>7}{_fmt(c.recall()):>7}{_fmt(c.f1()):>7}"
        )

    row("overall", verdicts)
    languages = sorted(
        {v.item.lang for v in verdicts},
        key=lambda lang: (LANGUAGE_ORDER.index(lang) if lang in LANGUAGE_ORDER else 99, lang),
    )
    for lang in languages:
        row(f"  {lang}", [v for v in verdicts if v.item.lang == lang])
    negatives = [v for v in verdicts if not v.item.label]
    c = count(negatives, lambda v: v.alerted)
    print(
        f"{'hard negatives':22}{'':5}{len(negatives):>5}{'':5}{c.fp:>5}{'':5}"
        f"  false-alert rate {c.fp / len(negatives) if negatives else 0:.2f}"
    )
    for kind in sorted({v.item.kind for v in negatives}):
        row(f"  neg {kind}", [v for v in negatives if v.item.kind == kind])
    positives = [v for v in verdicts if v.item.label]
    for kind in sorted({v.item.kind for v in positives}):
        row(f"  pos {kind}", [v for v in positives if v.item.kind == kind])
    row("naive: both named", verdicts, lambda v: v.baseline)


def list_misses(title: str, verdicts: Sequence[Verdict]) -> None:
    wrong = [v for v in verdicts if v.alerted != bool(v.item.label)]
    print(f"\n## misjudged, {title}: {len(wrong)}")
    for v in sorted(wrong, key=lambda v: (v.item.label, v.item.lang, v.item.id)):
        print(
            f"{v.item.id:6} {v.item.lang:8} label={v.item.label} score={v.score:<6g} "
            f"{v.item.kind:16} {v.item.title}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--misses",
        choices=("dev", "held-out", "fresh", "all", "none"),
        default="dev",
        help="which folds' misjudged items to list (default: dev, the folds tuned on)",
    )
    parser.add_argument(
        "--no-learned", action="store_true", help="skip the learned scorer's tables"
    )
    parser.add_argument(
        "--skip-missing",
        action="store_true",
        help="judge the texts that are cached and name the ones left out (a partly rebuilt"
        " cache: every table then covers fewer items than its batch)",
    )
    args = parser.parse_args(argv)
    skipped: list[str] | None = [] if args.skip_missing else None
    try:
        items = load_items(skipped=skipped)
        fresh = load_fresh(skipped=skipped)
        batches = [
            (name, load_fresh(pattern=glob, skipped=skipped), since)
            for name, glob, since in TUNED_BATCHES
        ]
        held_out_batches = [
            (name, load_fresh(pattern=glob, skipped=skipped)) for name, glob in HELD_OUT_BATCHES
        ]
    except CacheMissing as exc:
        print(f"bench.relevance: {exc}", file=sys.stderr)
        return 2
    if skipped:
        shown = " ".join(skipped[:20]) + (" …" if len(skipped) > 20 else "")
        print(f"{len(skipped)} texts not cached, left out of every table: {shown}\n")
    verdicts = judge(items)
    dev = [v for v in verdicts if v.item.fold in DEV_FOLDS]
    held = [v for v in verdicts if v.item.fold in HELD_OUT_FOLDS]
    folds = ", ".join(
        f"{f}: {sum(v.item.fold == f for v in verdicts)}" for f in (*DEV_FOLDS, *HELD_OUT_FOLDS)
    )
    print(f"{len(items)} items, folds by site ({folds}); topic {TOPIC_RULE!r} as `newswatch match`")
    table(f"DEV (folds {', '.join(map(str, DEV_FOLDS))}: tuned on)", dev)
    table(f"HELD OUT (folds {', '.join(map(str, HELD_OUT_FOLDS))}: never tuned on)", held)
    table("ALL folds", verdicts)
    abd = judge(fresh)
    judged = [(name, judge(batch), since) for name, batch, since in batches]
    fresh_verdicts = abd + [v for _, batch, _ in judged for v in batch]
    letters = ", ".join(["A", "B", "D", *(name for name, _, _ in judged)])
    if fresh_verdicts:
        table(f"FRESH {letters} (labelled blind, tuned on since)", fresh_verdicts)
        folds_45 = [v for v in abd if v.item.fold in HELD_OUT_FOLDS]
        table("FRESH A, B, D, folds 4-5 (held out until session 25)", folds_45)
        for name, batch, since in judged:
            table(f"FRESH-{name} (batch {name}: held out until session {since})", batch)
    held_out = [(name, judge(batch)) for name, batch in held_out_batches if batch]
    for name, batch_verdicts in held_out:
        title = f"FRESH-{name}, HELD OUT (batch {name}, labelled blind: never tuned on)"
        table(title, batch_verdicts)
    if len(held_out) > 1:
        names = " + ".join(name for name, _ in held_out)
        table(f"FRESH {names}, HELD OUT together", [v for _, vs in held_out for v in vs])
    if args.misses in ("dev", "all"):
        list_misses("dev folds", dev)
    if args.misses in ("held-out", "all"):
        list_misses("held-out folds", held)
    if args.misses in ("fresh", "all") and fresh_verdicts:
        list_misses(f"fresh batches {letters}", fresh_verdicts)
    if not args.no_learned:
        learned_tables(verdicts, args.misses)
    return 0


def learned_tables(verdicts: Sequence[Verdict], misses: str) -> None:
    """The learned scorer (bench/relevance/learned.py), each fold predicted by a model fitted
    on the other four; penalty and threshold chosen on the dev folds only."""
    items = [v.item for v in verdicts]
    rule = next(r for r in load_rules() if r.name == TOPIC_RULE)
    names, x = learned.feature_matrix(rule, items)
    y = np.array([i.label for i in items], dtype=float)
    folds = np.array([i.fold for i in items])
    penalty, threshold = learned.choose(names, x, y, folds)
    p = learned.rotate(names, x, y, folds, penalty)
    scored = [
        Verdict(v.item, float(q) if q >= threshold else 0.0, v.baseline)
        for v, q in zip(verdicts, p, strict=True)
    ]
    print(
        f"\n# LEARNED scorer: logistic regression over {len(names)} rule features, "
        f"L2 penalty {penalty:g}, threshold {threshold:g} (both chosen on folds 1-3); "
        f"each fold predicted by a model fitted on the other four"
    )
    held = [v for v in scored if v.item.fold in HELD_OUT_FOLDS]
    table(f"LEARNED, HELD OUT (folds {', '.join(map(str, HELD_OUT_FOLDS))})", held)
    table("LEARNED, ALL folds (5-fold rotation)", scored)
    if misses in ("held-out", "all"):
        list_misses("learned, held-out folds", held)


if __name__ == "__main__":
    sys.exit(main())
