"""CPU per article of matching the built-in topic alone: a git revision's topic and aliases
against the working tree's, in one process, in alternating rounds (single runs swing by more
than the difference on a shared machine).

    python -m bench.topic_ab [--base main] [--rounds 11] [--articles 2000]

The corpus is bench.matching's (fixture seeds and decoys, then variants of them).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.matching import corpus
from newswatch.alerts.engine import Matcher
from newswatch.alerts.rules import Rule
from newswatch.alerts.topics import load_topic
from newswatch.config.aliases import load_aliases

TOPIC = "tajik-kazakh"
ROOT = Path(__file__).resolve().parent.parent


def _show(revision: str, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def base_matcher(revision: str, scratch: Path) -> Matcher:
    (scratch / "topics").mkdir()
    (scratch / "topics" / f"{TOPIC}.yaml").write_text(
        _show(revision, f"config/topics/{TOPIC}.yaml"), encoding="utf-8"
    )
    (scratch / "aliases.yaml").write_text(_show(revision, "config/aliases.yaml"), "utf-8")
    aliases = load_aliases(scratch / "aliases.yaml")
    return Matcher.from_rules([Rule(TOPIC, load_topic(TOPIC, scratch / "topics", aliases).query)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="main")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    docs = corpus(args.articles)
    with tempfile.TemporaryDirectory() as scratch:
        matchers = {
            args.base: base_matcher(args.base, Path(scratch)),
            "worktree": Matcher.from_rules([Rule(TOPIC, load_topic(TOPIC).query)]),
        }
    times: dict[str, list[float]] = {name: [] for name in matchers}
    for round_ in range(args.rounds):
        order = list(matchers) if round_ % 2 == 0 else list(reversed(matchers))
        for name in order:
            started = time.process_time()
            for doc in docs:
                matchers[name].match(doc)
            times[name].append((time.process_time() - started) / len(docs) * 1000)
    for name, values in times.items():
        print(f"{name:>10}: CPU median {statistics.median(values):.3f} ms per article")
    ratio = statistics.median(times["worktree"]) / statistics.median(times[args.base])
    print(f"worktree / {args.base}: {ratio:.3f} ({args.rounds} alternating rounds)")


if __name__ == "__main__":
    main()
