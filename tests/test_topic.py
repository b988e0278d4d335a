"""The built-in topic "tajik-kazakh" on every fixture article and on hand-written texts in the
four languages, and the rules and topic files that use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.alerts.document import Document
from newswatch.alerts.engine import Matcher
from newswatch.alerts.rules import load_rules
from newswatch.alerts.topics import load_topic
from newswatch.config.errors import ConfigError
from tests.expectations import Expected, load_expected
from tests.topic_texts import NEGATIVE, POSITIVE

ARTICLES = [e for e in load_expected() if e.kind in ("seed", "decoy")]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    rules = [r for r in load_rules() if r.name == "tajik-kazakh"]
    assert rules and rules[0].source_text == "topic:tajik-kazakh"
    return Matcher.from_rules(rules)


def _document(e: Expected) -> Document:
    return Document(e.title, e.text, e.language, e.source)


def test_the_fixtures_have_seeds_and_decoys_naming_both_countries() -> None:
    kinds = [e.kind for e in ARTICLES]
    assert kinds.count("seed") >= 6 and kinds.count("decoy") >= 25


@pytest.mark.parametrize("article", ARTICLES, ids=lambda e: f"{e.source}/{e.path.stem}")
def test_seeds_match_and_decoys_do_not(matcher: Matcher, article: Expected) -> None:
    matches = matcher.match(_document(article))
    if article.kind == "seed":
        assert [m.rule for m in matches] == ["tajik-kazakh"]
        assert matches[0].score >= 20
    else:
        assert matches == [], matches[0].explanation if matches else ""


@pytest.mark.parametrize("name", sorted(POSITIVE))
def test_own_positive_texts(matcher: Matcher, name: str) -> None:
    title, text, language = POSITIVE[name]
    assert matcher.match(Document(title, text, language)), name


@pytest.mark.parametrize("name", sorted(NEGATIVE))
def test_own_negative_texts(matcher: Matcher, name: str) -> None:
    title, text, language = NEGATIVE[name]
    matches = matcher.match(Document(title, text, language))
    assert matches == [], matches[0].explanation if matches else ""


def test_explanation_says_which_terms_where_and_how_they_combined(matcher: Matcher) -> None:
    seed = next(e for e in ARTICLES if e.seed == "002")
    (match,) = matcher.match(_document(seed))
    lines = match.explanation.splitlines()
    assert lines[0].startswith("tajik-kazakh: score ")
    assert lines[1].startswith("ALL of (score ")
    text = match.explanation
    for part in ("$kazakh_named = WEIGHTS", "$tajik_named = WEIGHTS", "$relations = WEIGHTS"):
        assert part in text
    assert "$pair [title]: Қазақстан мен Тәжікстан" in text
    fields = {hit.field for hit in match.terms}
    assert fields == {"title", "lead", "body"}
    hit = next(h for h in match.terms if h.text == "Тәжікстанның")
    assert hit.term == "@tajikistan" and seed.text[hit.start : hit.end] == "Тәжікстанның"


def test_a_decoy_fails_for_a_stated_reason(matcher: Matcher) -> None:
    """The Scholz call names Tajikistan once among five countries of Central Asia."""
    from newswatch.alerts.document import analyse
    from newswatch.alerts.evaluate import Evaluator

    decoy = next(e for e in ARTICLES if "sholc" in e.path.stem)
    words = analyse(_document(decoy))
    outcome = Evaluator(words, matcher.find_atoms(words), matcher.atom_of, explain=True).evaluate(
        matcher.rules[0].query
    )
    assert not outcome.ok
    assert any(
        line.strip().startswith("$tajik_named = WEIGHTS (") and "<" in line
        for line in outcome.notes
    )


# --- the rule and topic files ---------------------------------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_rules_are_valid() -> None:
    rules = {r.name: r for r in load_rules()}
    default = rules["tajik-kazakh"]
    assert default.delivery.mode == "digest"
    assert (default.delivery.cron, default.delivery.timezone) == ("0 8 * * *", "Asia/Dushanbe")
    assert "water-energy" not in rules  # disabled


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("query: визит AND (", "rules[0] (name=bad).query: column 12: expected a term"),
        ("query: '@nobody'", "rules[0] (name=bad).query: column 1: unknown alias @nobody"),
        ("topic: weather", "rules[0] (name=bad).topic: unknown topic 'weather'"),
        ("query: a\n    topic: tajik-kazakh", "rules[0] (name=bad): give exactly one of"),
        (
            "query: a\n    recipients: [not-an-address]",
            "rules[0] (name=bad).recipients: 'not-an-address' is not a plain e-mail",
        ),
        (
            "query: a\n    delivery: {mode: digest, cron: '0 25 * * *', timezone: Asia/Dushanbe}",
            "rules[0] (name=bad).delivery: cron '0 25 * * *'",
        ),
        ("query: a\n    delivery: digest", "rules[0] (name=bad).delivery: digest delivery needs"),
        (
            "query: a\n    delivery: {mode: digest, cron: '0 8 * * *', timezone: Mars/Olympus}",
            "rules[0] (name=bad).delivery.timezone: unknown time zone 'Mars/Olympus'",
        ),
        ("query: a\n    languages: [de]", "rules[0] (name=bad).languages[0]: Input should be"),
        ("query: a\n    sources: [nowhere]", "rules[0] (name=bad).sources: unknown source"),
        ("query: a\n    min_scor: 3", "rules[0] (name=bad).min_scor: Extra inputs"),
    ],
)
def test_rule_errors_name_file_rule_and_key(tmp_path: Path, rule: str, expected: str) -> None:
    if "recipients" not in rule:
        rule += "\n    recipients: [a@example.org]"
    path = _write(tmp_path, f"rules:\n  - name: bad\n    {rule}\n")
    with pytest.raises(ConfigError) as caught:
        load_rules(path, source_ids=["khovar-en"])
    assert str(caught.value).startswith(f"{path}: "), str(caught.value)
    assert expected in str(caught.value)


def test_rules_share_definitions_and_duplicate_names_fail(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "define:\n  talks: переговоры OR встреча\n"
        "rules:\n  - {name: a, query: '$talks AND @rahmon', recipients: [a@example.org]}\n",
    )
    (rule,) = load_rules(path)
    assert Matcher.from_rules([rule]).match(Document("", "Встреча с Рахмоном", "ru"))
    path = _write(
        tmp_path,
        "rules:\n  - {name: a, query: x, recipients: [a@example.org]}\n"
        "  - {name: a, query: y, recipients: [a@example.org]}\n",
    )
    with pytest.raises(ConfigError, match="rule name 'a' appears twice"):
        load_rules(path)


def test_topic_errors_name_the_definition(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(
        "name: t\ndefine:\n  ok: визит\n  broken: (визит\nquery: $ok OR $broken\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_topic("t", tmp_path)
    assert "t.yaml: define.broken: column 7: expected ')'" in str(caught.value)
