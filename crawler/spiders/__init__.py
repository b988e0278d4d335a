"""Spiders built from source specs; a site with special needs names its own class in `parser`."""

from __future__ import annotations

from importlib import import_module

from newswatch.config.sources import SourceSpec
from newswatch.crawler.spiders.base import NewsSpider
from newswatch.crawler.spiders.feed import FeedSpider
from newswatch.crawler.spiders.listing import ListingSpider
from newswatch.crawler.spiders.sitemap import SitemapSpider

_BY_DISCOVERY: dict[str, type[NewsSpider]] = {
    "feed": FeedSpider,
    "sitemap": SitemapSpider,
    "listing": ListingSpider,
}


def spider_class_for(source: SourceSpec) -> type[NewsSpider]:
    if source.parser:
        module_name, _, class_name = source.parser.rpartition(".")
        spider_class = getattr(import_module(module_name), class_name)
        if not issubclass(spider_class, NewsSpider):
            raise TypeError(f"{source.parser} is not a NewsSpider")
        return spider_class
    return _BY_DISCOVERY[source.discovery]


__all__ = ["FeedSpider", "ListingSpider", "NewsSpider", "SitemapSpider", "spider_class_for"]
