"""Source specifications: one declarative entry per news source, read from sources.yaml."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from newswatch.config.errors import ConfigError
from newswatch.config.yamlfile import read_yaml, validation_message

Language = Literal["ru", "kk", "tg", "en"]
# Kazakh is also written in Arabic script (by Kazakhs of China, Iran and Afghanistan); such
# articles are stored as "kk-arab", and a filter on Kazakh takes them too.
SCRIPT_VARIANTS: dict[str, tuple[str, ...]] = {"kk": ("kk", "kk-arab")}


def stored_languages(language: str) -> tuple[str, ...]:
    """The language codes stored articles of `language` carry."""
    return SCRIPT_VARIANTS.get(language, (language,))


def known_zone(zone: str) -> str:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {zone!r}") from exc
    return zone


TimeZoneName = Annotated[str, AfterValidator(known_zone)]  # an IANA name such as Asia/Dushanbe
_INTERVAL = re.compile(r"^(\d+)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_interval(text: str) -> timedelta:
    """'15m' -> 15 minutes; units s, m, h, d."""
    match = _INTERVAL.match(text.strip())
    if not match:
        raise ValueError(f"interval {text!r} is not like 30s, 15m, 2h or 1d")
    value = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if value <= timedelta(0):
        raise ValueError("interval must be positive")
    return value


class Schedule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    interval: str | None = None
    cron: str | None = None
    jitter: int = Field(default=30, ge=0, description="seconds of random delay per run")

    @model_validator(mode="after")
    def _one_kind(self) -> Schedule:
        if (self.interval is None) == (self.cron is None):
            raise ValueError("give exactly one of 'interval' or 'cron'")
        if self.interval is not None:
            parse_interval(self.interval)
        if self.cron is not None and len(self.cron.split()) != 5:
            raise ValueError(f"cron {self.cron!r} must have 5 fields (min hour day month weekday)")
        return self


class Politeness(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    download_delay: float | None = Field(default=None, ge=0)
    concurrency: int | None = Field(default=None, ge=1, le=32)
    timeout: float | None = Field(default=None, gt=0)


class SourceSpec(BaseModel):
    """A news source as configured; everything the spiders need to know about a site."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    name: str
    languages: list[Language] = Field(min_length=1)
    discovery: Literal["feed", "sitemap", "listing"]
    start_urls: list[str] = Field(min_length=1)
    allowed_domains: list[str] = Field(min_length=1)
    article_pattern: str | None = None
    next_page_pattern: str | None = None
    max_pages: int = Field(default=1, ge=1, le=50)
    timezone: TimeZoneName = "Asia/Almaty"
    schedule: Schedule = Schedule(interval="15m")
    politeness: Politeness = Politeness()
    parser: str | None = None
    drop_selectors: list[str] = []
    enabled: bool = True

    @field_validator("start_urls")
    @classmethod
    def _http_only(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not re.match(r"^https?://[^/\s]+", url):
                raise ValueError(f"{url!r} is not an absolute http(s) URL")
        return urls

    @field_validator("allowed_domains")
    @classmethod
    def _bare_domains(cls, domains: list[str]) -> list[str]:
        for domain in domains:
            if not re.match(r"^[a-z0-9.-]+$", domain):
                raise ValueError(f"{domain!r} must be a bare domain such as example.kz")
        return [d.lower() for d in domains]

    @field_validator("article_pattern", "next_page_pattern")
    @classmethod
    def _valid_regex(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression: {exc}") from exc
        return pattern

    @model_validator(mode="after")
    def _discovery_needs(self) -> SourceSpec:
        if self.discovery in ("listing", "sitemap") and not self.article_pattern:
            raise ValueError(f"discovery '{self.discovery}' needs an article_pattern")
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: list[SourceSpec]

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesFile:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f"source id {source.id!r} appears twice")
            seen.add(source.id)
        return self


def load_sources(path: Path) -> list[SourceSpec]:
    """Read and validate sources.yaml; errors name the file, the entry and the key."""
    data = read_yaml(path)
    try:
        return SourcesFile.model_validate(data).sources
    except ValueError as exc:
        raise ConfigError(validation_message(path, exc, data)) from exc


def source_for_url(sources: list[SourceSpec], url: str) -> SourceSpec | None:
    """The source a URL belongs to: its domain is allowed, and among several sources on one
    domain (editions such as /eng/ and /rus/), the one with the longest start-URL section
    (the directory of a start URL: /eng/ for /eng/feed/) that the URL lies in."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    best: tuple[int, SourceSpec] | None = None
    for source in sources:
        if not any(host == d or host.endswith("." + d) for d in source.allowed_domains):
            continue
        sections = [_section(urlsplit(s).path) for s in source.start_urls]
        inside = [len(s) for s in sections if parts.path.startswith(s)]
        if inside and (best is None or max(inside) > best[0]):
            best = (max(inside), source)
    return best[1] if best else None


def _section(path: str) -> str:
    """/eng/feed/ -> /eng/; /news.rss -> /; /ru/events -> /ru/"""
    return path.rstrip("/").rpartition("/")[0] + "/"
