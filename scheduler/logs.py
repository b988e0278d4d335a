"""Logging for every newswatch command: ours at the chosen level, Scrapy's chatter lowered."""

from __future__ import annotations

import logging
import sys

_NOISY = (
    "scrapy",
    "scrapy.middleware",
    "scrapy.crawler",
    "scrapy.addons",
    "scrapy.core",
    "scrapy.extensions",
    "scrapy.utils.log",
    "twisted",
    "trafilatura",
    "htmldate",
    "charset_normalizer",
    "alembic",
    "filelock",
)


def _formatter(form: str) -> logging.Formatter:
    if form == "json":  # one object per line, for journald / Loki / jq
        from pythonjsonlogger.json import JsonFormatter

        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%S%z",
        )
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure_logging(level: str = "INFO", form: str = "text") -> None:
    """form: text (human) or json (structured: time, level, logger, message, and exc_info)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_formatter(form))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
    # the daemon reports skipped and failed jobs itself, with the source
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    # Failures are reported by newswatch itself, with the source and a reason.
    for name in (
        "scrapy.core.scraper",
        "scrapy.downloadermiddlewares.retry",
        "scrapy.downloadermiddlewares.robotstxt",
        "scrapy.core.downloader.handlers.http11",
    ):
        logging.getLogger(name).setLevel(logging.CRITICAL)
