"""The base of every news spider: start, article requests, error accounting."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy.exceptions import CannotResolveHostError, DownloadTimeoutError
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from crawler.context import SourceContext
from crawler.encoding import looks_binary
from crawler.extraction import PageHint
from crawler.items import ArticlePage
from crawler.urls import domain_allowed, normalize_url

_MAXSIZE = re.compile(r"(\d+) bytes which is larger than download max size \((\d+)\)")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


def response_charset(response: Response) -> str | None:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    match = re.search(r"charset\s*=\s*['\"]?([\w.:-]+)", content_type, re.I)
    return match.group(1) if match else None


def media_type(response: Response) -> str:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    return content_type.split(";", 1)[0].strip().lower()


def describe_failure(failure: Failure) -> str:
    """A reason a user can act on, not a traceback."""
    error = failure.value
    if failure.check(HttpError):
        return f"HTTP {error.response.status}"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout: no complete answer within the download timeout"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "DNS lookup failed"
    if failure.check(ConnectionRefusedError):
        return "connection refused"
    message = failure.getErrorMessage()
    if size := _MAXSIZE.search(message):
        return f"body over the size cap ({size.group(1)} > {size.group(2)} bytes)"
    return f"{type(error).__name__}: {message}"


class NewsSpider(scrapy.Spider):
    """Subclasses turn discovery pages (feeds, sitemaps, listings) into article candidates."""

    name = "news"

    def __init__(self, context: SourceContext, **kwargs: Any):
        super().__init__(name=f"news-{context.source.id}", **kwargs)
        self.context = context
        self.source = context.source
        self.allowed_domains = list(self.source.allowed_domains)
        pattern = self.source.article_pattern
        self.article_pattern = re.compile(pattern) if pattern else None
        self.scheduled_articles = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield self.discovery_request(url)

    def discovery_request(self, url: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_discovery, errback=self.on_error, meta=meta, dont_filter=True
        )

    def parse_discovery(self, response: Response) -> Iterable[Any]:
        raise NotImplementedError

    def is_article_url(self, url: str) -> bool:
        if not domain_allowed(url, self.allowed_domains):
            return False
        return self.article_pattern is None or bool(self.article_pattern.search(url))

    def follow_articles(
        self, candidates: Iterable[tuple[str, PageHint | None]]
    ) -> Iterator[scrapy.Request]:
        """Request the candidates that are articles of this source and not yet known."""
        fresh: dict[str, tuple[str, PageHint | None]] = {}
        for url, hint in candidates:
            if self.is_article_url(url):
                fresh.setdefault(normalize_url(url), (url, hint))
        known = self.context.sink.known(list(fresh))
        self.context.counts.skipped_known += len(known)
        for key, (url, hint) in fresh.items():
            if key in known:
                continue
            if self.scheduled_articles >= self.context.max_articles:
                self.logger.info("article cap %d reached", self.context.max_articles)
                return
            self.scheduled_articles += 1
            yield scrapy.Request(
                url, callback=self.parse_article, errback=self.on_error, cb_kwargs={"hint": hint}
            )

    def parse_article(self, response: Response, hint: PageHint | None) -> Iterator[ArticlePage]:
        kind = media_type(response)
        if kind not in _HTML_TYPES:
            self.context.fail(response.url, f"not an HTML page (Content-Type {kind})")
            return
        if looks_binary(response.body):
            self.context.fail(response.url, "binary body, not an HTML page")
            return
        yield ArticlePage(
            url=response.url,
            body=response.body,
            http_charset=response_charset(response),
            hint=hint,
            redirected_from=tuple(response.request.meta.get("redirect_urls", ())),
        )

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        self.context.fail(url, describe_failure(failure))
