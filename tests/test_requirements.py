"""The clauses a query needs from an article's words before the matcher decides it: each
clause is a set of words of which one must occur (requirements.py). tests/test_many_rules.py
checks on 1,000 rules that the clauses never drop a rule that matches."""

from __future__ import annotations

import pytest

from newswatch.alerts.document import Document
from newswatch.alerts.engine import Matcher, _query_words
from newswatch.alerts.query import parse_query
from newswatch.alerts.requirements import clauses
from newswatch.alerts.rules import Rule

ALIASES = {"kz": ("Казахстан", "Республика Казахстан"), "tj": ("Таджикистан",)}


def _clauses(query: str, definitions: dict[str, str] | None = None) -> set[frozenset[str]]:
    node = parse_query(query, ALIASES, definitions)
    atom_of = {word: atom for atom, word in enumerate(dict.fromkeys(_query_words(node)))}
    text_of = {atom: word.text for word, atom in atom_of.items()}
    return {frozenset(text_of[a] for a in clause) for clause in clauses(node, atom_of)}


def _set(*clauses: str) -> set[frozenset[str]]:
    return {frozenset(c.split()) for c in clauses}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("визит", _set("визит")),
        ('"водных ресурсов"', _set("водных", "ресурсов")),  # every word of a phrase
        ("a NOT b", _set("a")),  # NOT needs nothing
        ("NOT b", set()),
        ("a NEAR/3 (b OR c)", _set("a", "b c")),
        # (a ∧ b) ∨ c: each of a, b with c
        ("a b OR c", _set("a c", "b c")),
        # an alias: one of its spellings, here one word ("казахстан") in both
        ("@kz", _set("казахстан")),
        ('"@tj и @kz"', _set("таджикистан", "и", "казахстан")),
        # WEIGHTS: b and c (2 + 1) reach 3 without a; without a and b, or a and c, no
        ("WEIGHTS(threshold=3; a:4, b:2, c:1, d:-5)", _set("a b", "a c")),
        ("WEIGHTS(threshold=4; a:4, b:2, c:1)", _set("a")),
        # an occurrence in the title counts 3: any one item can reach the threshold
        ("WEIGHTS(threshold=3, title=3; a:1, b:1)", _set("a b")),
        ("WEIGHTS(threshold=0; a:1, b:-1)", set()),  # true with nothing found
    ],
)
def test_clauses(query: str, expected: set[frozenset[str]]) -> None:
    assert _clauses(query) == expected


def test_scopes_and_definitions_need_their_words() -> None:
    assert _clauses("title:(a OR b) AND $x", {"x": "c d"}) == _set("a b", "c", "d")


def test_a_weights_at_its_threshold_exactly_keeps_the_rule() -> None:
    """b and c add up to the threshold: a rule with them alone is decided, and matches."""
    queries = ["WEIGHTS(threshold=3; a:3, b:2, c:1)", '"aa bb" cc']
    matcher = Matcher.from_rules(
        [Rule(f"r{i}", parse_query(q, ALIASES), source_text=q) for i, q in enumerate(queries)]
    )
    assert [m.rule for m in matcher.match(Document("", "b c", "en"))] == ["r0"]
    assert matcher.match(Document("", "aa cc bb", "en")) == []  # the phrase is incomplete
