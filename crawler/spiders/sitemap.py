"""Sitemaps, sitemap indexes and Google News sitemaps."""

from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from crawler.extraction import PageHint
from crawler.sitemaps import parse_sitemap
from crawler.spiders.base import NewsSpider
from crawler.urls import domain_allowed

MAX_INDEX_DEPTH = 2


class SitemapSpider(NewsSpider):
    name = "sitemap"

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        result = parse_sitemap(response.body)
        if result.problem:
            self.context.fail(response.url, f"sitemap: {result.problem}")
            return
        self.context.discovery_pages_read += 1
        if result.kind == "index":
            depth = response.meta.get("sitemap_depth", 0) + 1
            if depth > MAX_INDEX_DEPTH:
                self.context.fail(response.url, "sitemap: index nested too deep")
                return
            for entry in result.entries:
                if domain_allowed(entry.loc, self.allowed_domains):
                    yield self.discovery_request(entry.loc, sitemap_depth=depth)
            return
        candidates = [
            (entry.loc, PageHint(title=entry.title, published=entry.published))
            for entry in result.entries
        ]
        yield from self.follow_articles(candidates)
