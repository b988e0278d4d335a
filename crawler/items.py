"""What spiders hand to the pipeline."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.extraction import PageHint


@dataclass
class ArticlePage:
    url: str
    body: bytes
    http_charset: str | None
    hint: PageHint | None
