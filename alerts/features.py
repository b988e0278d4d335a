"""The parts of a rule's decision as numbers: what a scorer learned from labelled news weighs.

For one article, every named part (`$name`) of the rule's query is evaluated by the same
Evaluator that decides the rule: a WEIGHTS part gives its weighted sum (also below its
threshold), any other part its score. With the rule's own verdict and the article's length,
these are the features of ``newswatch.alerts.scorer``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from newswatch.alerts.document import Document, analyse
from newswatch.alerts.engine import Matcher
from newswatch.alerts.evaluate import Evaluator
from newswatch.alerts.query import Node, Ref
from newswatch.alerts.rules import Rule


def named_parts(node: Node) -> Iterator[Ref]:
    """Every `$name` in the query, outermost first, each name once."""
    seen: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop(0)
        if isinstance(current, Ref) and current.name not in seen:
            seen.add(current.name)
            yield current
        for value in vars(current).values():
            children = value if isinstance(value, tuple) else (value,)
            for child in children:
                if isinstance(child, tuple) and child and isinstance(child[0], Node):
                    stack.append(child[0])  # WEIGHTS items are (node, weight)
                elif isinstance(child, Node):
                    stack.append(child)


def rule_features(matcher: Matcher, rule: Rule, document: Document) -> dict[str, float]:
    """{"rule": 1 if the rule matches, "log_words": ..., "$name": its score or sum, ...}."""
    words = analyse(document)
    evaluator = Evaluator(words, matcher.find_atoms(words), matcher.atom_of)
    verdict = evaluator.evaluate(rule.query)
    features = {
        "rule": 1.0 if verdict.ok and verdict.score >= rule.min_score else 0.0,
        "log_words": math.log1p(len(words)),
    }
    for ref in named_parts(rule.query):
        outcome = evaluator.evaluate(ref)
        features[f"${ref.name}"] = outcome.total if outcome.total is not None else outcome.score
    return features
