"""Configuration: typed settings and source specs, read at the edges and passed down."""

from config.errors import ConfigError
from config.settings import BUNDLED_SOURCES, CrawlSettings, Settings, load_settings
from config.sources import SourceSpec, load_sources

__all__ = [
    "BUNDLED_SOURCES",
    "ConfigError",
    "CrawlSettings",
    "Settings",
    "SourceSpec",
    "load_settings",
    "load_sources",
]
