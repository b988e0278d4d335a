"""Configuration: typed settings and source specs, read at the edges and passed down."""

from newswatch.config.errors import ConfigError
from newswatch.config.settings import BUNDLED_SOURCES, CrawlSettings, Settings, load_settings
from newswatch.config.sources import SourceSpec, load_sources

__all__ = [
    "BUNDLED_SOURCES",
    "ConfigError",
    "CrawlSettings",
    "Settings",
    "SourceSpec",
    "load_settings",
    "load_sources",
]
