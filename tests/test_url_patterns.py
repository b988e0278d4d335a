"""The article pattern `sources add` proposes from the addresses a sitemap or listing shows:
the articles' shape, not the whole site."""

from __future__ import annotations

import re

from newswatch.crawler.url_patterns import propose_article_pattern, propose_next_page_pattern

SITE = "https://news.example"


def test_slug_articles_are_taken_and_rubric_and_static_pages_left_out() -> None:
    urls = [
        f"{SITE}/n/president-met-the-delegation/",
        f"{SITE}/n/grain-exports-grow-in-spring/",
        f"{SITE}/n/new-schools-open-in-the-capital/",
        f"{SITE}/rubric/politika/",
        f"{SITE}/rubric/ekonomika/",
        f"{SITE}/about/",
        "https://other.example/n/president-met-the-delegation/",
    ]
    proposal = propose_article_pattern(urls, "news.example")
    assert proposal is not None
    assert proposal.taken == urls[:3] and proposal.total == 6
    assert re.match(proposal.pattern, "https://www.news.example/n/a-story-published-later/")
    assert not re.match(proposal.pattern, f"{SITE}/rubric/sport/")


def test_dated_paths_and_numeric_ids_generalise() -> None:
    dated = [f"{SITE}/2024/08/2{d}/talks-in-dushanbe-{d}.html" for d in range(3)]
    ids = [f"{SITE}/news/{n}" for n in (411987, 412330, 412345)]
    proposal = propose_article_pattern(
        [*dated, f"{SITE}/news/", f"{SITE}/contacts.html"], "news.example"
    )
    assert proposal is not None and proposal.taken == dated
    assert re.match(proposal.pattern, f"{SITE}/2025/01/05/another-day-another-story.html")
    by_id = propose_article_pattern([*ids, f"{SITE}/news/?page=2"], "news.example")
    assert by_id is not None and by_id.taken == ids


def test_no_shape_shared_by_two_addresses_proposes_nothing() -> None:
    assert (
        propose_article_pattern(
            [f"{SITE}/about/", f"{SITE}/a/one-long-story-title"], "news.example"
        )
        is None
    )
    assert propose_article_pattern([], "news.example") is None


def test_the_listings_further_pages() -> None:
    links = [f"{SITE}/news/?page=2", f"{SITE}/news/some-story-12"]
    assert propose_next_page_pattern(links, "news.example", f"{SITE}/news/") == (
        r"^https?://(www\.)?news\.example/news/\?page=\d+$"
    )
    paged = [f"{SITE}/news/page/2/"]
    pattern = propose_next_page_pattern(paged, "news.example", f"{SITE}/news/")
    assert pattern and re.match(pattern, f"{SITE}/news/page/3/")
    assert (
        propose_next_page_pattern([f"{SITE}/other/?page=2"], "news.example", f"{SITE}/news/")
        is None
    )
