"""What spiders hand to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from newswatch.crawler.extraction import PageHint


@dataclass
class ArticlePage:
    url: str  # where the page was fetched from, after redirects
    body: bytes
    http_charset: str | None
    hint: PageHint | None
    redirected_from: tuple[str, ...] = ()  # URLs that led here: known for the next crawl
