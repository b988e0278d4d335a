"""The rule engine's parts as numbers (the features of bench.relevance's learned scorer)."""

from __future__ import annotations

from newswatch.alerts.document import Document
from newswatch.alerts.engine import Matcher
from newswatch.alerts.features import named_parts, rule_features
from newswatch.alerts.rules import load_rules


def _topic_rule():
    return next(r for r in load_rules() if r.name == "tajik-kazakh")


def test_every_named_part_of_the_topic_is_a_feature_once() -> None:
    rule = _topic_rule()
    names = [ref.name for ref in named_parts(rule.query)]
    assert len(names) == len(set(names))
    assert {"kazakh_named", "tajik_named", "relations", "pair", "sport"} <= set(names)


def test_features_say_what_the_rule_saw_even_below_its_thresholds() -> None:
    rule = _topic_rule()
    matcher = Matcher.from_rules([rule])
    text = (
        "Казахстан и Таджикистан подписали соглашение о транзите. Президент Казахстана "
        "провёл переговоры в Душанбе, Таджикистан и Казахстан обсудили торговлю."
    )
    matched = rule_features(matcher, rule, Document("", text, "ru"))
    assert matched["rule"] == 1.0
    assert matched["$pair"] > 0 and matched["$agreements"] > 0
    passing = rule_features(
        matcher, rule, Document("", "Курсы валют: Казахстан, Таджикистан, Узбекистан.", "ru")
    )
    assert passing["rule"] == 0.0
    # a WEIGHTS part below its threshold still gives its sum: the money table weighs against
    assert passing["$relations"] < 0
    assert passing["$money"] > 0
