"""The author search is skipped only on pages where trafilatura's would find nothing."""

from __future__ import annotations

import re

import pytest
from lxml import html
from trafilatura.metadata import extract_author
from trafilatura.xpaths import AUTHOR_XPATHS

from newswatch.crawler.pagemeta import (
    AUTHOR_ATTRIBUTES,
    AUTHOR_HINT,
    may_name_author,
    page_metadata,
)


def _tested_literals(path: str) -> list[str]:
    """Every string trafilatura's expression compares an attribute with, one per regex
    alternative ('[Aa]uthor' -> 'Author', 'author-?name' -> 'author-name')."""
    found = []
    for quoted in re.findall(r"'([^']*)'", path):
        for alternative in quoted.split("|"):
            alternative = re.sub(r"\[(\w)\w*\]", r"\1", alternative.lstrip("^"))
            found.append(alternative.replace("?", ""))
    return found


def test_the_hint_covers_every_test_of_the_installed_trafilatura():
    for expression in AUTHOR_XPATHS:
        attributes = set(re.findall(r"@([\w-]+)", expression.path))
        assert attributes <= set(AUTHOR_ATTRIBUTES), expression.path
        for literal in _tested_literals(expression.path):
            if literal == "me":  # rel='me' tests a child <rel> element, checked apart
                continue
            assert AUTHOR_HINT.search(literal), f"{literal!r} of {expression.path}"


def _page(body: str) -> html.HtmlElement:
    return html.document_fromstring(
        f"<html><head><title>Встреча</title></head><body><article><h1>Встреча</h1>"
        f"<p>Министры обсудили поставки зерна и транзит.</p>{body}</article></body></html>"
    )


@pytest.mark.parametrize(
    "body",
    [
        '<div class="story-journalist-name">Айгуль Серикова</div>',
        '<span class="ByLine">Фарход Назаров</span><p class="byline">Фарход Назаров</p>',
        '<a rel="author" href="/a/1">Дина Абенова</a>',
        '<p id="article-Author">Рустам Саидов</p>',
        "<author>Мадина Каримова</author>",
    ],
)
def test_a_page_with_a_byline_gets_what_trafilatura_finds(body):
    tree = _page(body)
    assert may_name_author(tree)
    expected = extract_author(_page(body))
    assert expected  # each case is a byline trafilatura reads
    assert page_metadata(tree).author == expected


def test_a_page_without_a_byline_skips_the_search_and_has_no_author():
    tree = _page('<div class="share"><a href="/tg">Telegram</a></div><p class="lead">Текст</p>')
    assert not may_name_author(tree)
    assert extract_author(tree) is None
    assert page_metadata(tree).author is None
