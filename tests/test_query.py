"""The query language: parsing, syntax errors, and what queries match (aliases, NEAR, fields,
weights) through the compiled matcher."""

from __future__ import annotations

import pytest

from newswatch.alerts.document import Document
from newswatch.alerts.engine import Match, Matcher
from newswatch.alerts.query import QuerySyntaxError, Term, dump, parse_query
from newswatch.alerts.rules import Rule

# --- parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("визит", "визит"),
        ("Визит переговоры", "AND(визит, переговоры)"),  # implicit AND, normalised
        ("a AND b OR c", "OR(AND(a, b), c)"),  # AND binds tighter than OR
        ("a OR b c", "OR(a, AND(b, c))"),
        ("a (b OR c)", "AND(a, OR(b, c))"),
        ("a NOT b", "AND(a, NOT(b))"),
        ("a AND NOT (b OR c)", "AND(a, NOT(OR(b, c)))"),
        ("таджик*", "таджик*"),
        ('"водно-энергетический"', "водно+энергетический"),
        ("водно-энергетический", "водно+энергетический"),  # a hyphenated term is a phrase
        ('"казахско-таджик*"', "казахско+таджик*"),
        ('"@kazakhstan и @tajikistan"', "@kazakhstan+и+@tajikistan"),
        ("@tokayev NEAR/10 @rahmon", "NEAR/10(@tokayev, @rahmon)"),
        ("a NEAR/3 b NEAR/5 c", "NEAR/5(NEAR/3(a, b), c)"),
        (
            "@tokayev NEAR/5 (@rahmon OR @rustam_emomali)",
            "NEAR/5(@tokayev, OR(@rahmon, @rustam_emomali))",
        ),
        ("title:@tokayev lead:визит", "AND(title:@tokayev, lead:визит)"),
        ("title:(a OR b)", "title:OR(a, b)"),
        ("Ёлка", "елка"),
        (
            'WEIGHTS(threshold=10; визит:3, "водно-энергетический":4, (a OR b):2, курс:-5)',
            "WEIGHTS(10; визит:3, водно+энергетический:4, OR(a, b):2, курс:-5)",
        ),
        ("WEIGHTS(threshold=2, repeat=3, title=2; @kazakhstan:1,)", "WEIGHTS(2; @kazakhstan:1)"),
    ],
)
def test_parse(query: str, tree: str) -> None:
    assert dump(parse_query(query)) == tree


def test_weights_options_are_kept() -> None:
    node = parse_query("WEIGHTS(threshold=4.5, repeat=3, title=2, lead=1.5; a:1)")
    assert (node.threshold, node.repeat, node.title, node.lead) == (4.5, 3, 2.0, 1.5)


def test_definitions_and_aliases() -> None:
    node = parse_query("$pair OR x", definitions={"pair": '"@kazakhstan и @tajikistan"'})
    assert dump(node) == "OR($pair, x)"
    alias = parse_query("@tajikistan")
    spellings = {dump(t) for t in alias.spellings}
    assert {"таджикистан", "тәжікстан", "тоҷикистон", "tajikistan"} <= spellings
    assert all(isinstance(t, Term) for t in alias.spellings)


@pytest.mark.parametrize(
    ("query", "column", "expected"),
    [
        ("визит AND", 10, "expected a term, phrase, @alias, $definition or '('"),
        ("(визит OR переговоры", 21, "expected ')' to close the '(' at column 1"),
        ("визит)", 6, "this ')' closes no '('"),
        ('"водно-энергетический', 1, 'expected a closing "'),
        ("@nowhere", 1, "unknown alias @nowhere"),
        ("$nothing", 1, "unknown definition $nothing"),
        ("ка*", 1, "a prefix needs at least 3 letters"),
        ("та*джик", 1, "'*' may only end a term"),
        ("@tokayev NEAR @rahmon", 10, "expected NEAR/n with a distance"),
        ("NEAR/5 @rahmon", 1, "expected a term, phrase, @alias or '(' before NEAR/5"),
        ("a NEAR/5 (b AND c)", 11, "NEAR joins terms, phrases, aliases or OR-groups"),
        ("WEIGHTS(визит:3)", 9, "WEIGHTS starts with its options"),
        ("WEIGHTS(repeat=2; визит:3)", 17, "WEIGHTS needs threshold=N"),
        ("WEIGHTS(threshold=x; визит:3)", 19, "expected a number for threshold"),
        ("WEIGHTS(threshold=5; визит)", 27, "expected ':' and a weight after the item"),
        ("WEIGHTS(threshold=5; визит:много)", 28, "expected a weight (a number"),
        ("WEIGHTS(threshold=5; визит:3 договор:2)", 30, "expected ',' or ')' after the weight"),
        ("WEIGHTS(threshold=5, limit=3; визит:3)", 22, "unknown WEIGHTS option 'limit'"),
        ("", 1, "the query is empty"),
    ],
)
def test_syntax_errors_name_rule_position_and_expectation(
    query: str, column: int, expected: str
) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query(query, where="rule 'visits'")
    message = str(caught.value)
    assert message.startswith(f"rule 'visits': column {column}: ")
    assert expected in message
    assert caught.value.column == column
    assert message.splitlines()[-1].index("^") == 4 + column - 1  # the caret under the place


def test_errors_in_multiline_queries_give_the_line() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_query("визит\nOR (переговоры AND\n)", where="topic")
    assert str(caught.value).startswith("topic: line 3, column 1: expected a term")


def test_circular_definitions() -> None:
    with pytest.raises(QuerySyntaxError, match=r"in a circle: \$a -> \$b -> \$a"):
        parse_query("$a", definitions={"a": "x OR $b", "b": "$a"})


# --- matching --------------------------------------------------------------------------------


def _match(query: str, title: str, text: str, language: str = "ru", **rule: object) -> list[Match]:
    matcher = Matcher.from_rules([Rule("r", parse_query(query), **rule)])
    return matcher.match(Document(title, text, language))


def _matches(query: str, title: str, text: str, language: str = "ru") -> bool:
    return bool(_match(query, title, text, language))


def test_terms_phrases_and_boolean_operators() -> None:
    text = "Стороны обсудили водно-энергетическое сотрудничество и транзит грузов."
    assert _matches("сотрудничество транзит", "", text)
    assert _matches('"водно-энергетическое сотрудничество"', "", text)
    assert not _matches('"сотрудничество водно-энергетическое"', "", text)  # order matters
    assert _matches("сотрудничество AND NOT санкции", "", text)
    assert not _matches("сотрудничество NOT транзит", "", text)
    assert _matches("санкции OR транзит", "", text)
    assert not _matches("санкции OR эмбарго", "", text)


def test_a_phrase_does_not_run_across_punctuation() -> None:
    text = "Участники: Казахстан, Таджикистан, Узбекистан."
    assert not _matches('"Казахстан Таджикистан"', "", text)
    assert _matches('"Казахстан Таджикистан"', "", "Казахстан – Таджикистан: итоги")


def test_prefix_and_morphology() -> None:
    text = "Укрепление казахско-таджикских отношений обсудили в Таджикистане."
    assert _matches("таджик*", "", text)
    assert _matches("таджикский", "", text)
    assert _matches("Таджикистан", "", text)
    assert not _matches("таджикский", "", "Президент Таджикистана прибыл в Астану.")
    assert _matches('"казахско-таджик*"', "", text)


def test_aliases_across_scripts() -> None:
    cases = [
        ("Президент Токаев прибыл в Душанбе", "ru"),
        ("Тоқаев Душанбеге келді", "kk"),
        ("Тоқаев ба Душанбе омад", "tg"),
        ("President Tokayev arrived in Dushanbe", "en"),
        ("Касым-Жомарт Кемелевич провел встречу", "ru"),
    ]
    for text, language in cases:
        assert _matches("@tokayev", "", text, language), text
    assert _matches("@astana", "", "Встреча прошла в Нур-Султане", "ru")
    assert _matches("@astana", "", "the talks in Nur-Sultan", "en")
    assert _matches("@kazakhstan", "", "Қазақстанның сыртқы істер министрі", "kk")
    assert _matches("@tajikistan", "", "ҳайати Тоҷикистонро", "tg")
    assert not _matches("@tajikistan", "", "Президент Казахстана", "ru")
    assert not _matches("@rustam_emomali", "", "Nurali Emomali won bronze", "en")
    # look-alike letters: a Latin K and a Latin a inside Cyrillic words
    assert _matches("@kazakhstan AND @rahmon", "", "Kазахстан посетил Рaхмон", "ru")


def test_near_counts_words_between() -> None:
    text = "Токаев провел переговоры с президентом Таджикистана Эмомали Рахмоном в Душанбе."
    assert _matches("@tokayev NEAR/7 @rahmon", "", text)
    assert not _matches("@tokayev NEAR/5 @rahmon", "", text)
    assert _matches("@rahmon NEAR/7 @tokayev", "", text)  # either order
    # the title and the text are not near each other
    assert not _matches("@tokayev NEAR/30 @rahmon", "Токаев", "Рахмон прибыл")


def test_field_scope() -> None:
    title = "Токаев и Рахмон подписали договор"
    text = "Касым-Жомарт Токаев прибыл в Душанбе.\nВ ходе визита обсуждали транзит."
    assert _matches("title:договор", title, text)
    assert not _matches("title:транзит", title, text)
    assert _matches("lead:Душанбе", title, text)
    assert not _matches("lead:транзит", title, text)
    assert _matches("body:транзит", title, text)
    assert not _matches("body:договор", title, text)
    assert _matches("text:транзит AND text:Душанбе", title, text)
    assert not _matches("title:(lead:Душанбе)", title, text)


def test_weights_threshold_repeat_and_field_factors() -> None:
    text = "Визит. Переговоры. Договор. Курс валют."
    assert _matches("WEIGHTS(threshold=10; визит:3, переговоры:3, договор:4)", "", text)
    assert not _matches(
        "WEIGHTS(threshold=10; визит:3, переговоры:3, договор:4, курс:-2)", "", text
    )
    assert not _matches("WEIGHTS(threshold=7; визит:3, переговоры:3)", "", text)
    twice = "Визит и еще визит, и третий визит."
    assert not _matches("WEIGHTS(threshold=2; визит:1)", "", twice)  # counted once
    assert _matches("WEIGHTS(threshold=3, repeat=3; визит:1)", "", twice)
    assert _matches("WEIGHTS(threshold=3, title=3; визит:1)", "Визит", "нет")
    assert not _matches("WEIGHTS(threshold=3; визит:1)", "Визит", "нет")


def test_match_carries_score_terms_with_positions_and_explanation() -> None:
    title = "Токаев и Рахмон обсудили транзит"
    text = "Президенты встретились в Душанбе.\nОбсуждался транзит через Казахстан."
    matches = _match("@tokayev AND транзит*", title, text)
    assert len(matches) == 1
    match = matches[0]
    assert match.score == 3 + 3 + 1  # title hits weigh 3, body 1
    found = {(h.term, h.field, h.text) for h in match.terms}
    assert found == {
        ("@tokayev", "title", "Токаев"),
        ("транзит*", "title", "транзит"),
        ("транзит*", "body", "транзит"),
    }
    for hit in match.terms:
        source = title if hit.field == "title" else text
        assert source[hit.start : hit.end] == hit.text
    assert "ALL of (score 7)" in match.explanation
    assert "@tokayev ×1 [title]" in match.explanation


def test_min_score_languages_and_sources() -> None:
    text = "Визит в Душанбе."
    assert not _match("визит", "", text, min_score=3)
    assert _match("визит", "", text, min_score=2)  # one mention in the lead scores 2
    assert not _match("визит", "", text, languages=frozenset({"kk"}))
    matcher = Matcher.from_rules([Rule("r", parse_query("визит"), sources=frozenset({"a"}))])
    assert matcher.match(Document("", text, "ru", source="a"))
    assert not matcher.match(Document("", text, "ru", source="b"))


def test_not_only_rules_and_many_rules_share_one_matcher() -> None:
    rules = [
        Rule(f"r{i}", parse_query(q)) for i, q in enumerate(["NOT погода", "визит", "@astana"])
    ]
    matcher = Matcher.from_rules(rules)
    names = [m.rule for m in matcher.match(Document("", "Визит в Астану", "ru"))]
    assert names == ["r0", "r1", "r2"]
    assert [m.rule for m in matcher.match(Document("", "Погода", "ru"))] == []
