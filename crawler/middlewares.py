"""Downloader middlewares: which requests are allowed, and what they cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from crawler.urls import domain_allowed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

class DomainGuardMiddleware:
    """Fetch only http(s) URLs of the source's configured domains, redirects included.
    Refusals reach the request's errback, which counts and logs them."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DomainGuardMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: object = None) -> None:
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        if not domain_allowed(request.url, allowed):
            raise IgnoreRequest(f"refused: {request.url} is outside the source's domains {allowed}")


class AccountingMiddleware:
    """Count every response and its bytes against the spider's source."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AccountingMiddleware:
        return cls(crawler)

    def process_response(
        self, request: Request, response: Response, spider: object = None
    ) -> Response:
        context = getattr(self.crawler.spider, "context", None)
        if context is not None:
            context.counts.pages_fetched += 1
            context.counts.bytes_downloaded += len(response.body)
        return response
