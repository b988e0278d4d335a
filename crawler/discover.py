"""Finding how to poll a site the operator names: the URL itself is a feed, the page announces
one (<link rel=alternate>), a common feed path answers, robots.txt lists sitemaps, or the page
is a listing whose links share an article shape. Sitemaps and listings come with a proposed
article_pattern drawn from the addresses they list.

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
from newswatch.crawler.sitemaps import parse_sitemap
from newswatch.crawler.url_patterns import (
    PatternProposal,
    propose_article_pattern,
    propose_next_page_pattern,
)
from newswatch.crawler.urls import map_url
from newswatch.storage.dedup import StoreOutcome
from newswatch.storage.repository import SourceRunCounts

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json")
COMMON_FEED_PATHS = ("/feed/", "/rss/", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml")
MIN_LISTING_ARTICLES = 3  # an article page's few "related" links don't make it a listing
MAX_CHILD_SITEMAPS = 5  # enough addresses to see the article shape; the newest come first


@dataclass(frozen=True)
class Discovered:
    discovery: str  # feed | sitemap | listing
    start_url: str
    how: str  # for the operator: where it was found
    articles: PatternProposal | None = None  # sitemap and listing: the proposed pattern
    next_page_pattern: str | None = None  # listing: its further pages


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
    host = (urlsplit(url).hostname or "").removeprefix("www.")
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
                sitemap = value.strip()
                articles = propose_article_pattern(_sitemap_urls(sitemap, fetcher), host)
                return Discovered("sitemap", sitemap, "Sitemap: in robots.txt", articles), tried
    if page and page.status == 200:
        links = _links(page.body, url)
        articles = propose_article_pattern(links, host)
        if articles and len(articles.taken) >= MIN_LISTING_ARTICLES:
            next_pages = propose_next_page_pattern(links, host, url)
            return Discovered(
                "listing", url, "links on the page share an article shape", articles, next_pages
            ), tried
        tried.append(f"{url}: no links on the page share an article shape")
    return None, tried


def listing(url: str, fetcher: Fetcher) -> tuple[Discovered | None, list[str]]:
    """The page at `url` as a listing, whatever else the site offers (`sources add --listing`)."""
    page = fetcher.get(url)
    tried = [f"{url}: {_describe(page)}"]
    if not (page and page.status == 200):
        return None, tried
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    links = _links(page.body, url)
    articles = propose_article_pattern(links, host)
    if articles is None:
        tried.append(f"{url}: no links on the page share an article shape")
        return None, tried
    next_pages = propose_next_page_pattern(links, host, url)
    return Discovered("listing", url, "the page's links", articles, next_pages), tried


def _sitemap_urls(url: str, fetcher: Fetcher) -> list[str]:
    """The page addresses a sitemap lists; of an index, those of its first child sitemaps."""
    page = fetcher.get(url)
    if not (page and page.status == 200):
        return []
    result = parse_sitemap(page.body)
    if result.kind != "index":
        return [entry.loc for entry in result.entries]
    urls: list[str] = []
    for child in result.entries[:MAX_CHILD_SITEMAPS]:
        answer = fetcher.get(child.loc)
        if answer and answer.status == 200:
            nested = parse_sitemap(answer.body)
            if nested.kind == "urlset":
                urls.extend(entry.loc for entry in nested.entries)
    return urls


def _links(body: bytes, base: str) -> list[str]:
    try:
        tree = lxml_html.document_fromstring(body, base_url=base)
    except (ValueError, lxml_html.etree.ParserError):
        return []
    return [urljoin(base, href.strip()) for a in tree.iter("a") if (href := a.get("href"))]


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

    def store(
        self, article: ExtractedArticle, source_id: str, prepared: object = None
    ) -> StoreOutcome:
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
