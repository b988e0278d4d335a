"""Finding how to poll a site the operator names: the URL itself is a feed, the page announces
one (<link rel=alternate>), a common feed path answers, or robots.txt lists sitemaps.

A handful of plain GETs, once, for `newswatch sources add`; the crawl itself is Scrapy's."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from newswatch.config.settings import Settings
from newswatch.config.sources import SourceSpec
from newswatch.crawler.extraction import ExtractedArticle
from newswatch.crawler.feeds import parse_feed
from newswatch.crawler.urls import map_url
from newswatch.storage.dedup import StoreOutcome
from newswatch.storage.repository import SourceRunCounts

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
COMMON_FEED_PATHS = ("/feed/", "/rss/", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")


@dataclass(frozen=True)
class Discovered:
    discovery: str  # feed | sitemap
    start_url: str
    how: str  # for the operator: where it was found


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: bytes


class Fetcher:
    """GET with the crawler's user agent, timeout, size cap and origin map."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def get(self, url: str) -> Page | None:
        target = map_url(url, self.settings.origin_map) or url
        request = urllib.request.Request(
            target, headers={"User-Agent": self.settings.crawl.user_agent}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.settings.crawl.timeout) as answer:
                body = answer.read(self.settings.crawl.max_body_bytes + 1)
                return Page(answer.status, answer.headers.get("Content-Type", ""), body)
        except urllib.error.HTTPError as error:
            return Page(error.code, "", b"")
        except (urllib.error.URLError, OSError, ValueError):
            return None


def discover(url: str, fetcher: Fetcher) -> tuple[Discovered | None, list[str]]:
    """How to poll the site of `url`, and what was tried (for the operator)."""
    tried: list[str] = []
    page = fetcher.get(url)
    tried.append(f"{url}: {_describe(page)}")
    if page and page.status == 200:
        if parse_feed(page.body).is_feed:
            return Discovered("feed", url, "the URL is a feed"), tried
        if announced := _announced_feed(page.body, url):
            return Discovered("feed", announced, "<link rel=alternate> on the page"), tried
    root = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    for path in COMMON_FEED_PATHS:
        candidate = root + path
        feed = fetcher.get(candidate)
        tried.append(f"{candidate}: {_describe(feed)}")
        if feed and feed.status == 200 and parse_feed(feed.body).is_feed:
            return Discovered("feed", candidate, f"the common feed path {path}"), tried
    robots = fetcher.get(root + "/robots.txt")
    tried.append(f"{root}/robots.txt: {_describe(robots)}")
    if robots and robots.status == 200:
        for line in robots.body.decode("utf-8", "replace").splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "sitemap" and value.strip():
                return Discovered("sitemap", value.strip(), "Sitemap: in robots.txt"), tried
    return None, tried


def _describe(page: Page | None) -> str:
    if page is None:
        return "no answer"
    return f"HTTP {page.status}" + (f" {page.content_type}" if page.content_type else "")


def _announced_feed(body: bytes, base: str) -> str | None:
    try:
        tree = lxml_html.document_fromstring(body)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and link.get("href"):
            return urljoin(base, link.get("href").strip())
    return None


class CollectingSink:
    """An ArticleSink that stores nothing: a dry run keeps the extracted articles in memory
    and treats every URL as unknown and every discovery page as never seen."""

    def __init__(self) -> None:
        self.articles: list[ExtractedArticle] = []

    def known(self, urls: list[str]) -> set[str]:
        return set()

    def store(self, article: ExtractedArticle, source_id: str) -> StoreOutcome:
        self.articles.append(article)
        return StoreOutcome("new", len(self.articles), len(self.articles), "new")

    def validators(self, url: str) -> None:
        return None

    def save_validators(self, url: str, validators: object, *, changed: bool) -> None:
        pass


def dry_run(
    settings: Settings, source: SourceSpec, limit: int
) -> tuple[list[ExtractedArticle], SourceRunCounts]:
    """One crawl of `source` by the real spider, at most `limit` articles, nothing stored.
    Runs the reactor: once per process."""
    from newswatch.crawler.runner import crawl_sources, run_on_reactor

    crawl = settings.crawl.model_copy(update={"max_articles_per_source": limit})
    settings = settings.model_copy(update={"crawl": crawl})
    sink = CollectingSink()
    [result] = run_on_reactor(lambda: crawl_sources(settings, [source], sink))
    return sink.articles, result.counts
