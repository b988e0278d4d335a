"""Sitemaps, sitemap indexes and Google News sitemaps."""

from __future__ import annotations

from collections.abc import Iterator

import scrapy
from scrapy.http import Response

from newswatch.crawler.extraction import PageHint
from newswatch.crawler.sitemaps import SitemapResult, parse_sitemap
from newswatch.crawler.spiders.base import NewsSpider
from newswatch.crawler.urls import domain_allowed

MAX_INDEX_DEPTH = 2


class SitemapSpider(NewsSpider):
    name = "sitemap"

    def _parse(self, response: Response) -> SitemapResult:
        context = self.context
        result = parse_sitemap(response.body, context.max_sitemap_entries, context.parse_budget)
        if result.skipped:  # for good: the page is not incomplete, an unchanged one is not re-read
            self.logger.warning(
                "%s lists %d entries more than the newest %d read; they are skipped",
                response.url,
                result.skipped,
                len(result.entries),
            )
        return result

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        result = self._parse(response)
        if result.problem:
            self.context.fail(response.url, f"sitemap: {result.problem}")
            return
        self.context.discovery_pages_read += 1
        if result.kind == "index":
            yield from self._follow_index(response, result)
            return
        candidates = [
            (entry.loc, PageHint(title=entry.title, published=entry.published))
            for entry in result.entries
        ]
        yield from self.follow_articles(candidates)

    def parse_unchanged(self, response: Response) -> Iterator[scrapy.Request]:
        """An unchanged index is still followed: the sitemaps it lists change while it does
        not (each of them is fetched conditionally in turn)."""
        if response.status != 200:
            return
        result = self._parse(response)
        if result.kind == "index" and not result.problem:
            yield from self._follow_index(response, result)

    def _follow_index(self, response: Response, result: SitemapResult) -> Iterator[scrapy.Request]:
        self.keep_hash_only(response)  # a 304 would hide the sitemaps it lists
        depth = response.meta.get("sitemap_depth", 0) + 1
        if depth > MAX_INDEX_DEPTH:
            self.context.fail(response.url, "sitemap: index nested too deep")
            return
        for entry in result.entries:
            if domain_allowed(entry.loc, self.allowed_domains):
                yield self.discovery_request(entry.loc, sitemap_depth=depth)
