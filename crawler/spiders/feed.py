"""RSS/Atom feeds: the bytes go to feedparser via crawler.feeds, so any encoding works."""

from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from newswatch.crawler.extraction import PageHint
from newswatch.crawler.feeds import parse_feed
from newswatch.crawler.spiders.base import NewsSpider, response_charset
from newswatch.crawler.urls import join_url


class FeedSpider(NewsSpider):
    name = "feed"

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        result = parse_feed(
            response.body,
            response_charset(response),
            self.context.max_feed_entries,
            self.context.parse_budget,
        )
        if result.problem:
            self.context.fail(response.url, f"feed: {result.problem}")
        if result.is_feed:
            self.context.discovery_pages_read += 1
        if result.more:  # for good: the page is not incomplete, an unchanged feed is not re-read
            self.logger.warning(
                "%s lists more than %d entries; the rest are skipped",
                response.url,
                self.context.max_feed_entries,
            )
        candidates = [
            (link, PageHint(entry.title, entry.published, entry.author, entry.summary))
            for entry in result.entries
            if entry.link and (link := join_url(response.url, entry.link))  # one bad link: skip
        ]
        yield from self.follow_articles(candidates)
