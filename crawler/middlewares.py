"""Downloader middlewares: which requests are allowed, and what they cost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from newswatch.crawler.urls import domain_allowed

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class DomainGuardMiddleware:
    """Fetch only http(s) URLs of the source's configured domains, redirects included.

    Checked when a request is scheduled (where Scrapy's own offsite filter drops requests
    silently), so that each refusal is counted and logged with its reason.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        crawler.signals.connect(self.request_scheduled, signal=signals.request_scheduled)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DomainGuardMiddleware:
        return cls(crawler)

    def request_scheduled(self, request: Request, spider: object = None) -> None:
        allowed = getattr(self.crawler.spider, "allowed_domains", None) or []
        if domain_allowed(request.url, allowed):
            return
        context = getattr(self.crawler.spider, "context", None)
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        how = "redirected to" if first != request.url else "refused"
        reason = f"{how} {request.url}: outside the source's domains {allowed}"
        if context is not None:
            context.fail(first, reason)
        raise IgnoreRequest(reason)


class AccountingMiddleware:
    """Count every response, and every body byte received, against the spider's source.

    Bytes are counted as they arrive from the socket (the bytes_received signal): compressed
    as sent, also for bodies cut off by a timeout or the size cap, zero for a 304.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AccountingMiddleware:
        return cls(crawler)

    def bytes_received(self, data: bytes, request: Request, spider: object = None) -> None:
        context = getattr(self.crawler.spider, "context", None)
        if context is not None:
            context.counts.bytes_downloaded += len(data)

    def process_response(
        self, request: Request, response: Response, spider: object = None
    ) -> Response:
        context = getattr(self.crawler.spider, "context", None)
        if context is not None:
            context.counts.pages_fetched += 1
        return response
