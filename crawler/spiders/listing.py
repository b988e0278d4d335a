"""HTML listing pages: article links by pattern, bounded pagination."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import LinkExtractor

from newswatch.crawler.spiders.base import NewsSpider


class ListingSpider(NewsSpider):
    name = "listing"

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        next_pattern = self.source.next_page_pattern
        self.next_page = re.compile(next_pattern) if next_pattern else None
        self.pages_left: dict[str, int] = {}  # start URL -> listing pages it may still fetch

    async def start(self):
        for url in self.source.start_urls:
            self.pages_left[url] = self.source.max_pages - 1
            yield self.discovery_request(url, listing_start=url)

    def parse_discovery(self, response: Response) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            self.context.fail(response.url, "listing page is not text")
            return
        self.context.discovery_pages_read += 1
        links = LinkExtractor(allow_domains=self.allowed_domains).extract_links(response)
        yield from self.follow_articles((link.url, None) for link in links)
        start = response.meta.get("listing_start", response.url)
        if self.next_page is None:
            return
        for link in links:
            if self.pages_left.get(start, 0) <= 0:
                break
            if self.next_page.search(link.url):
                self.pages_left[start] -= 1
                yield self.discovery_request(link.url, listing_start=start)
