"""The base of every news spider: start, article requests, error accounting."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, replace
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

from newswatch.crawler.context import SourceContext
from newswatch.crawler.encoding import looks_binary
from newswatch.crawler.extraction import PageHint
from newswatch.crawler.items import ArticlePage
from newswatch.crawler.urls import domain_allowed, normalize_url
from newswatch.storage.validators import Validators

_MAXSIZE = re.compile(r"(\d+) bytes which is larger than download max size \((\d+)\)")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


def response_charset(response: Response) -> str | None:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    match = re.search(r"charset\s*=\s*['\"]?([\w.:-]+)", content_type, re.I)
    return match.group(1) if match else None


def media_type(response: Response) -> str:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
    return content_type.split(";", 1)[0].strip().lower()


def header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    if not value:
        return None
    return value.decode("latin-1").strip() or None


@dataclass
class _Polled:
    """A discovery page read in this crawl, and what to record about it at the end."""

    stored: Validators | None  # as found in the database before the request
    new: Validators  # what to store if the page and everything it led to were handled
    changed: bool  # its body was new (and was parsed)


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
    """Subclasses turn discovery pages (feeds, sitemaps, listings) into article candidates.

    Discovery pages are fetched conditionally (If-None-Match / If-Modified-Since from the
    validators stored for their URL). A 304, or a 200 whose body has the stored sha256, is
    "unchanged": not parsed, nothing followed. New validators and hashes are recorded when the
    spider closes, and only for pages whose parse and every request they led to (articles,
    further pages) succeeded; a page with a failure is forgotten, so the next poll reads it
    in full and retries what failed.
    """

    name = "news"

    def __init__(self, context: SourceContext, **kwargs: Any):
        super().__init__(name=f"news-{context.source.id}", **kwargs)
        self.context = context
        self.source = context.source
        self.allowed_domains = list(self.source.allowed_domains)
        pattern = self.source.article_pattern
        self.article_pattern = re.compile(pattern) if pattern else None
        self.scheduled_articles = 0
        self._polled: dict[str, _Polled] = {}  # discovery URL -> this crawl's poll of it
        self._page_of: dict[str, str] = {}  # URL requested or received -> its discovery page
        self._parent: dict[str, str] = {}  # discovery URL -> the discovery page that led to it
        self._incomplete: set[str] = set()  # discovery pages not followed in full
        self._hash_only: set[str] = set()  # discovery pages always re-read (see keep_hash_only)
        self._reading: str | None = None  # the discovery page being parsed

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.source.start_urls:
            yield self.discovery_request(url)

    def discovery_request(self, url: str, **meta: Any) -> scrapy.Request:
        """A conditional request for a feed, sitemap or listing page."""
        request = scrapy.Request(
            url,
            callback=self._read_discovery,
            errback=self.on_error,
            meta=meta,
            dont_filter=True,
        )
        url = request.url  # as it will be requested and reported
        stored = self.context.sink.validators(url)
        if stored is not None and stored.etag:
            request.headers["If-None-Match"] = stored.etag
        if stored is not None and stored.last_modified:
            request.headers["If-Modified-Since"] = stored.last_modified
        request.meta.update(
            discovery_url=url, stored_validators=stored, handle_httpstatus_list=[304]
        )
        if self._reading is not None:
            self._parent.setdefault(url, self._reading)
        self._page_of.setdefault(url, url)
        return request

    def parse_discovery(self, response: Response) -> Iterable[Any]:
        raise NotImplementedError

    def parse_unchanged(self, response: Response) -> Iterable[Any]:
        """Requests an unchanged discovery page still needs (a 304 has no body); none by
        default."""
        return ()

    def keep_hash_only(self, response: Response) -> None:
        """Store no HTTP validators for this page: it is always fetched in full and compared by
        its hash, so parse_unchanged sees its body (a sitemap index, whose sitemaps change
        while it does not)."""
        self._hash_only.add(response.meta.get("discovery_url", response.url))

    def _read_discovery(self, response: Response) -> Iterator[Any]:
        url = response.meta.get("discovery_url", response.url)
        self._page_of.setdefault(response.url, url)  # after a redirect
        stored: Validators | None = response.meta.get("stored_validators")
        sent = Validators(header(response, b"ETag"), header(response, b"Last-Modified"))
        if response.status == 304:
            if stored is None or not (stored.etag or stored.last_modified):
                self.context.fail(url, "HTTP 304 Not Modified to an unconditional request")
                return
            self.context.counts.not_modified += 1
            self.context.discovery_pages_read += 1
            # a 304 may carry updated validators; the content is the stored one
            new = Validators(
                sent.etag or stored.etag,
                sent.last_modified or stored.last_modified,
                stored.body_sha256,
            )
            self._polled[url] = _Polled(stored, new, changed=False)
            yield from self._parse_guarded(url, response, self.parse_unchanged)
            return
        new = replace(sent, body_sha256=hashlib.sha256(response.body).hexdigest())
        if stored is not None and stored.body_sha256 == new.body_sha256:
            self.context.counts.unchanged += 1
            self.context.discovery_pages_read += 1
            self._polled[url] = _Polled(stored, new, changed=False)
            yield from self._parse_guarded(url, response, self.parse_unchanged)
            return
        self._polled[url] = _Polled(stored, new, changed=True)
        yield from self._parse_guarded(url, response, self.parse_discovery)

    def _parse_guarded(self, url: str, response: Response, parse: Any) -> list[Any]:
        """Run a parse to the end now, so that its failures are known before anything is
        recorded, and an exception is a counted failure of the page, not a lost callback."""
        self._reading = url
        try:
            return list(parse(response))
        except Exception as exc:
            self.context.fail(response.url, f"parse error: {type(exc).__name__}: {exc}")
            return []
        finally:
            self._reading = None

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
                if self._reading is not None:  # the rest waits for the next poll
                    self._incomplete.add(self._reading)
                return
            self.scheduled_articles += 1
            request = scrapy.Request(
                url, callback=self.parse_article, errback=self.on_error, cb_kwargs={"hint": hint}
            )
            if self._reading is not None:
                self._page_of.setdefault(request.url, self._reading)
                request.meta["found_on"] = self._reading
            yield request

    def parse_article(self, response: Response, hint: PageHint | None) -> Iterator[ArticlePage]:
        if found_on := response.meta.get("found_on"):  # the pipeline reports by response URL
            self._page_of.setdefault(response.url, found_on)
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
        if request is not None:  # after a redirect: not the URL that was asked for
            page = request.meta.get("found_on") or request.meta.get("discovery_url")
            if page:
                self._page_of.setdefault(url, page)
        self.context.fail(url, describe_failure(failure))

    def closed(self, reason: str) -> None:
        """Record the discovery pages polled in this crawl (see the class docstring)."""
        if reason != "finished":  # stopped early: requests were lost, re-read everything
            return
        incomplete = self._incomplete_pages()
        for url, polled in self._polled.items():
            new, changed = polled.new, polled.changed
            if url in incomplete:
                if polled.stored is None:
                    continue
                new, changed = Validators(), False  # forget: read it in full next time
            elif url in self._hash_only:
                new = replace(new, etag=None, last_modified=None)
            try:
                self.context.sink.save_validators(url, new, changed=changed)
            except Exception as exc:
                self.context.fail(url, f"storage: validators: {type(exc).__name__}: {exc}")

    def _incomplete_pages(self) -> set[str]:
        """Discovery pages with a failure of their own or of anything they led to, or cut off
        by the article cap; a page that led to an incomplete one is incomplete too."""
        pages = set(self._incomplete)
        for url, _ in self.context.counts.failures:
            if page := self._page_of.get(url):
                pages.add(page)
        incomplete: set[str] = set()
        for page in pages:
            current: str | None = page
            while current is not None and current not in incomplete:
                incomplete.add(current)
                current = self._parent.get(current)
        return incomplete
