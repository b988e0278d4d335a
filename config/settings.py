"""Settings: defaults < user YAML file < NEWSWATCH_* environment. Read once, passed down."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from newswatch.config.errors import ConfigError
from newswatch.config.sources import SourceSpec, load_sources, parse_interval
from newswatch.config.yamlfile import read_yaml, validation_message

CONFIG_DIR = Path(__file__).resolve().parent
BUNDLED_SOURCES = CONFIG_DIR / "sources.yaml"


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newswatch"


def _is_path(value: str) -> bool:
    return "://" not in value and not value.startswith("sqlite:")


def database_url(value: str) -> str:
    """A SQLAlchemy URL, or a plain path meaning an SQLite file (what the demo prints)."""
    if _is_path(value):
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if value.startswith("postgres://"):
        raise ValueError("SQLAlchemy does not know the postgres:// scheme: write postgresql://")
    return value


class CrawlSettings(BaseModel):
    """Politeness and safety limits of every spider (sources.yaml can override some)."""

    model_config = ConfigDict(extra="forbid")

    user_agent: str = "newswatch/0.1 (+https://github.com/newswatch/newswatch; news monitor)"
    obey_robots_txt: bool = True
    download_delay: float = Field(default=0.5, ge=0)
    concurrency_per_domain: int = Field(default=4, ge=1, le=32)
    timeout: float = Field(default=20.0, gt=0)
    max_body_bytes: int = Field(default=5_000_000, ge=10_000)
    retry_times: int = Field(default=1, ge=0, le=5)
    max_articles_per_source: int = Field(default=500, ge=1)  # new pages per source and poll
    # a feed's entries beyond this are skipped for good (real feeds list 10–300)
    max_feed_entries: int = Field(default=1000, ge=1)
    # a sitemap's entries beyond its newest this many are skipped for good
    max_sitemap_entries: int = Field(default=1000, ge=1)
    # What reading one feed or sitemap may cost; over it, the source fails with the reason.
    # Bytes as parsed (after gunzip; bounds the parse's memory) and CPU seconds of the
    # parsing thread (how long one document may hold the reactor).
    parse_max_bytes: int = Field(default=50_000_000, ge=10_000)
    parse_cpu_seconds: float = Field(default=3.0, gt=0)
    # A source's crawl that runs longer stops for this poll (logged, its status partial) and
    # resumes at its next poll; 0: no slice.
    time_slice_seconds: float = Field(default=120.0, ge=0)
    # Processes that extract pages beside the downloading one; 1: extract on the reactor
    # thread (one core). Each worker holds its own parser and language model (~150 MB).
    extract_workers: int = Field(default=1, ge=1, le=64)


class SmtpSettings(BaseModel):
    """Mail server for alerts. The password comes from NEWSWATCH_SMTP__PASSWORD and is never
    printed (SecretStr)."""

    model_config = ConfigDict(extra="forbid")

    host: str | None = None  # unset: alerts wait in the outbox
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    from_address: str = "newswatch@localhost"
    timeout: float = Field(default=20.0, gt=0)
    ca_file: Path | None = None  # a private CA to trust (internal relays); default: system CAs


class AlertSettings(BaseModel):
    """Which stored articles may alert. The backlog (articles the feeds already carried when a
    source was first crawled, or published before it was added, or older than max_age) is
    stored and searchable but sends no email, unless alert_backlog (`--alert-backlog`)."""

    model_config = ConfigDict(extra="forbid")

    max_age: str | None = "7d"  # like 2d, 36h; None: no age limit
    alert_backlog: bool = False
    # a failed email or channel post waits this long, then twice as long ... up to an hour
    retry_first_seconds: float = Field(default=30.0, gt=0)

    @field_validator("max_age")
    @classmethod
    def _age(cls, value: str | None) -> str | None:
        if value is not None:
            parse_interval(value)
        return value

    @property
    def max_age_delta(self) -> timedelta | None:
        return parse_interval(self.max_age) if self.max_age else None

    @property
    def retry_first(self) -> timedelta:
        return timedelta(seconds=self.retry_first_seconds)


class HealthSettings(BaseModel):
    """When the daemon emails about a source itself (not about the news)."""

    model_config = ConfigDict(extra="forbid")

    recipients: list[str] = []  # empty: problems are logged and shown by `status` only
    failures_in_a_row: int = Field(default=3, ge=1)
    # stale: no new item for this many times the source's usual gap between new items
    stale_factor: float = Field(default=6.0, gt=1)
    stale_min_hours: float = Field(default=6.0, ge=0)  # never stale sooner than this
    # collapsed: the median text of its newest articles shrank below this share of the usual
    collapse_ratio: float = Field(default=0.3, gt=0, lt=1)


class DaemonSettings(BaseModel):
    """`newswatch run`: timings of the long-running scheduler."""

    model_config = ConfigDict(extra="forbid")

    grace_seconds: float = Field(default=30.0, gt=0)  # SIGTERM: finish in-flight work within
    outbox_retry_seconds: float = Field(default=60.0, gt=0)
    retention_cron: str = "30 3 * * *"  # daily prune, server local time
    backoff_max_seconds: float = Field(default=6 * 3600.0, gt=0)  # failing sources wait at most
    standby_poll_seconds: float = Field(default=10.0, gt=0)  # a follower retries the lock
    metrics_port: int | None = Field(default=None, ge=0, le=65535)  # Prometheus; None: off
    metrics_host: str = "127.0.0.1"
    health: HealthSettings = HealthSettings()


class WebUser(BaseModel):
    """A user who signs in to `newswatch web` with a password; only its scrypt hash is stored
    (`newswatch web --hash-password` prints one)."""

    model_config = ConfigDict(extra="forbid")

    user: str = Field(min_length=1, max_length=64)
    password_hash: SecretStr

    @field_validator("password_hash")
    @classmethod
    def _hash(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("scrypt$"):
            raise ValueError("not a password hash: make one with `newswatch web --hash-password`")
        return value


class WebSettings(BaseModel):
    """`newswatch web`: where it listens and who may read it: a token (NEWSWATCH_WEB__AUTH) or
    a user with a hashed password. Without either it only listens on a loopback address.
    Read-only unless `actions` (retry a delivery, mute a rule: POST forms with CSRF tokens)."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    auth: WebUser | SecretStr | None = None
    actions: bool = False
    # where readers reach `newswatch web` (https://newswatch.example.org): alert emails link
    # each story to its page there, with the full explanation of the match
    base_url: str | None = None


class DistributedSettings(BaseModel):
    """`newswatch run --distributed` and `newswatch worker`: crawl requests on a shared Redis."""

    model_config = ConfigDict(extra="forbid")

    redis_url: str = "redis://127.0.0.1:6379/0"
    prefix: str = "newswatch"  # of every key; several deployments can share one Redis
    # A request taken and not acknowledged within this (its worker died) is queued again.
    lease_seconds: float = Field(default=300.0, ge=1)
    batch: int = Field(default=4, ge=1, le=1000)  # requests a worker crawls at once
    seen_days: float = Field(default=7.0, gt=0)  # shared duplicate-filter entries expire
    # A source's polling request is not queued again while one is waiting or in flight.
    source_pending_seconds: float = Field(default=3600.0, ge=1)
    # A failed article (5xx, timeout) is queued again after article_retry_seconds, doubling
    # with each try, this many tries in all.
    article_attempts: int = Field(default=3, ge=1, le=100)
    article_retry_seconds: float = Field(default=60.0, gt=0)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="NEWSWATCH_", env_nested_delimiter="__", extra="forbid"
    )

    database_url: str = ""
    sources_file: Path = BUNDLED_SOURCES
    # Origin -> origin it is served from, like curl's --resolve: fixtures, mirrors, proxies.
    origin_map: dict[str, str] = {}
    crawl: CrawlSettings = CrawlSettings()
    # Days the seen-URL and near-duplicate state is kept (articles themselves stay).
    retention_days: int = Field(default=30, ge=1)
    rules_file: Path = CONFIG_DIR / "rules.yaml"
    smtp: SmtpSettings = SmtpSettings()
    alerts: AlertSettings = AlertSettings()
    daemon: DaemonSettings = DaemonSettings()
    web: WebSettings = WebSettings()
    distributed: DistributedSettings = DistributedSettings()
    log_level: str | None = None  # None: WARNING for commands, INFO for `run`
    log_format: Literal["text", "json"] = "text"

    @field_validator("database_url")
    @classmethod
    def _database(cls, url: str) -> str:
        return database_url(url or str(default_data_dir() / "newswatch.db"))

    @field_validator("origin_map")
    @classmethod
    def _origins(cls, mapping: dict[str, str]) -> dict[str, str]:
        for origin, target in mapping.items():
            for value in (origin, target):
                if not value.startswith(("http://", "https://")):
                    raise ValueError(f"{value!r} is not an http(s) origin")
        return {k.rstrip("/"): v.rstrip("/") for k, v in mapping.items()}

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The user file arrives as init values; the environment must win over it.
        return env_settings, init_settings

    def load_sources(self) -> list[SourceSpec]:
        return load_sources(self.sources_file)


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Defaults, then the user file (--config or NEWSWATCH_CONFIG), then the environment."""
    path = config_file or (Path(p) if (p := os.environ.get("NEWSWATCH_CONFIG")) else None)
    values: dict[str, Any] = {}
    if path is not None:
        values = read_yaml(path)
        if not isinstance(values, dict):
            raise ConfigError(f"{path}: the top level must be a mapping of settings")
        for key in ("sources_file", "rules_file"):  # relative to the file that names them
            if key in values:
                values[key] = (path.parent / values[key]).resolve()
        if isinstance(url := values.get("database_url"), str) and _is_path(url):
            values["database_url"] = str((path.parent / Path(url).expanduser()).resolve())
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        where = path or Path("settings (environment NEWSWATCH_*)")
        raise ConfigError(validation_message(where, exc, values)) from exc
