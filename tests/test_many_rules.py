"""1,000 rules compiled into one matcher decide every article as each rule does alone.

The rules are bench.matching's generated ones (terms, phrases, prefixes, aliases, NEAR, field
scopes, WEIGHTS with negative items, NOT, the built-in topic) over fixture articles and their
variants. The reference for each rule is the AST interpreter (Evaluator) run on its own,
without the shared automaton's candidate filter or the compiled closures; a sample of rules is
also compiled into a matcher of its own, with its own automaton.
"""

from __future__ import annotations

import pytest

from bench.matching import corpus, generate_rules
from newswatch.alerts.document import Document, Word, analyse
from newswatch.alerts.engine import Match, Matcher, _term_hits
from newswatch.alerts.evaluate import Evaluator
from newswatch.alerts.rules import Rule

ARTICLES = 40


@pytest.fixture(scope="module")
def setup() -> tuple[list[Document], list[Rule], Matcher]:
    docs = corpus(ARTICLES)
    rules = generate_rules(1000, docs)
    return docs, rules, Matcher.from_rules(rules)


def _alone(
    rule: Rule, words: list[Word], atoms: dict[int, list[int]], matcher, doc
) -> Match | None:
    """What the interpreter says of one rule, with the terms and explanation it gives."""
    texts = {"title": doc.title, "text": doc.text}
    outcome = Evaluator(words, atoms, matcher.atom_of, True, texts).evaluate(rule.query)
    if not (outcome.ok and outcome.score >= rule.min_score):
        return None
    head = f"{rule.name}: score {outcome.score:g} (min_score {rule.min_score:g})"
    explanation = "\n".join([head, *outcome.notes])
    terms = _term_hits(words, outcome.spans, doc)
    return Match(rule.name, outcome.score, lambda: terms, lambda: explanation)


def test_thousand_rules_decide_as_each_rule_alone(setup) -> None:
    docs, rules, matcher = setup
    matched = decided = 0
    for doc in docs:
        together = {m.rule: m for m in matcher.match(doc)}
        words = analyse(doc)
        atoms = matcher.find_atoms(words)
        decided += len(matcher.candidates(atoms))
        for rule in rules:
            alone = _alone(rule, words, atoms, matcher, doc)
            got = together.get(rule.name)
            assert (got is None) == (alone is None), (rule.source_text, doc.title)
            if alone is not None and got is not None:
                matched += 1
                assert (got.score, got.terms) == (alone.score, alone.terms), rule.source_text
                assert got.explanation == alone.explanation
    assert matched > 10 * ARTICLES  # the comparison is not vacuous: many rules match
    # The clauses (requirements.py) leave few rules that cannot match to be decided; a rule
    # they dropped wrongly would have failed above.
    assert decided < 2.5 * matched, (decided, matched)


def test_a_rule_compiled_alone_decides_as_in_the_thousand(setup) -> None:
    """Its own automaton and candidate index: the shared ones lose or add nothing."""
    docs, rules, matcher = setup
    together = [matcher.match(doc) for doc in docs[:20]]
    for rule in rules[::25]:
        single = Matcher.from_rules([rule])
        for doc, found in zip(docs[:20], together, strict=True):
            expected = [(m.score, m.terms) for m in found if m.rule == rule.name]
            assert [(m.score, m.terms) for m in single.match(doc)] == expected
