"""Alert rules (`config/rules.yaml`): validated specs, compiled into `Rule` objects with a
parsed query. A broken file is reported with the file, the rule and the key:

    config/rules.yaml: rules[1] (name=water).delivery.cron: the last value (25) is higher ...
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from newswatch.alerts.aliases import load_aliases
from newswatch.alerts.query import Node, QuerySyntaxError, parse_query
from newswatch.alerts.topics import BUNDLED_TOPICS, Topic, load_topic, topic_names
from newswatch.config.errors import ConfigError
from newswatch.config.settings import CONFIG_DIR
from newswatch.config.sources import TimeZoneName
from newswatch.config.yamlfile import read_yaml, validation_message

BUNDLED_RULES = CONFIG_DIR / "rules.yaml"
Language = Literal["ru", "kk", "tg", "en"]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
# Plain addresses only: no display names, and nothing (CR, LF, commas) that could add headers.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class Delivery(BaseModel):
    """`immediate`, or `digest` on a cron schedule in a time zone."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Literal["immediate", "digest"]
    cron: str | None = None
    timezone: TimeZoneName = "UTC"

    @model_validator(mode="after")
    def _schedule(self) -> Delivery:
        if self.mode == "immediate" and self.cron is not None:
            raise ValueError("'cron' is for digest delivery; immediate alerts go out per crawl")
        if self.mode == "digest":
            if self.cron is None:
                raise ValueError("digest delivery needs a 'cron' schedule, e.g. '0 8 * * *'")
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(self.cron, timezone=ZoneInfo(self.timezone))
            except ValueError as exc:
                raise ValueError(f"cron {self.cron!r}: {exc}") from exc
        return self


IMMEDIATE = Delivery(mode="immediate")


class RuleSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Name
    query: str | None = None
    topic: str | None = None
    recipients: list[str] = []
    channels: list[str] = []  # Apprise URLs, `${NAME}` from the environment (alerts.channels)
    languages: list[Language] | None = None
    sources: list[str] | None = None
    min_score: float = Field(default=0.0, ge=0)
    delivery: Delivery = IMMEDIATE
    enabled: bool = True

    @field_validator("delivery", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return {"mode": value} if isinstance(value, str) else value

    @field_validator("recipients")
    @classmethod
    def _emails(cls, recipients: list[str]) -> list[str]:
        for address in recipients:
            if not _EMAIL.fullmatch(address):
                raise ValueError(f"{address!r} is not a plain e-mail address (name@example.org)")
        return recipients

    @field_validator("channels")
    @classmethod
    def _apprise_urls(cls, channels: list[str]) -> list[str]:
        from newswatch.alerts.channels import check, label

        for index, url in enumerate(channels):
            try:
                check(url)
            except ValueError as exc:
                # the label, never the URL: it may hold a token
                where = f"[{index}] {label(url)}" if "://" in url else f"[{index}]"
                raise ValueError(f"{where}: {exc}") from None
        if len(set(channels)) < len(channels):
            raise ValueError("a channel appears twice")
        return channels

    @field_validator("sources")
    @classmethod
    def _known_sources(cls, sources: list[str] | None, info: ValidationInfo) -> list[str] | None:
        known = (info.context or {}).get("source_ids")
        for source in sources or ():
            if known is not None and source not in known:
                raise ValueError(f"unknown source {source!r} (known: {', '.join(sorted(known))})")
        return sources

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, topic: str | None, info: ValidationInfo) -> str | None:
        names = topic_names((info.context or {}).get("topics_dir", BUNDLED_TOPICS))
        if topic is not None and topic not in names:
            raise ValueError(f"unknown topic {topic!r} (known: {', '.join(names) or 'none'})")
        return topic

    @field_validator("query")
    @classmethod
    def _parses(cls, query: str | None, info: ValidationInfo) -> str | None:
        context = info.context or {}
        if query is not None:
            try:
                parse_query(query, context.get("aliases"), context.get("definitions"))
            except QuerySyntaxError as exc:
                raise ValueError(str(exc)) from exc
        return query

    @model_validator(mode="after")
    def _query_or_topic(self) -> RuleSpec:
        if (self.query is None) == (self.topic is None):
            raise ValueError("give exactly one of 'query' or 'topic'")
        if not self.recipients and not self.channels:
            raise ValueError("give 'recipients' (email addresses) or 'channels' (Apprise URLs)")
        return self


class RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    define: dict[Name, str] = {}
    rules: list[RuleSpec]

    @field_validator("define")
    @classmethod
    def _definitions_parse(cls, define: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        aliases = (info.context or {}).get("aliases")
        for name, text in define.items():
            try:
                parse_query(text, aliases, define, where=f"${name}")
            except QuerySyntaxError as exc:
                raise ValueError(str(exc)) from exc
        return define

    @model_validator(mode="after")
    def _unique_names(self) -> RulesFile:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"rule name {rule.name!r} appears twice")
            seen.add(rule.name)
        return self


@dataclass(frozen=True, eq=False)
class Rule:
    """A compiled rule: what the matcher needs, plus delivery details for the alerter."""

    name: str
    query: Node
    source_text: str = ""  # the query as written, or "topic:NAME"
    recipients: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    languages: frozenset[str] | None = None
    sources: frozenset[str] | None = None
    min_score: float = 0.0
    delivery: Delivery = IMMEDIATE
    enabled: bool = True


def _labelled(data: Any) -> Any:
    """The rules list with each rule's name where validation_message looks for an id."""
    if isinstance(data, dict) and isinstance(data.get("rules"), list):
        rules = [
            {**r, "id": r["name"]} if isinstance(r, dict) and "name" in r else r
            for r in data["rules"]
        ]
        return {**data, "rules": rules}
    return data


def load_rules(
    path: Path | None = None,
    *,
    aliases: Mapping[str, tuple[str, ...]] | None = None,
    topics_dir: Path | None = None,
    source_ids: Collection[str] | None = None,
    include_disabled: bool = False,
) -> list[Rule]:
    """Read, validate and compile a rules file (default: the bundled config/rules.yaml).
    Disabled rules are left out unless include_disabled (to try one before enabling it)."""
    path = path or BUNDLED_RULES
    topics_dir = topics_dir or BUNDLED_TOPICS
    aliases = aliases if aliases is not None else load_aliases()
    data = read_yaml(path)
    definitions = data.get("define") if isinstance(data, dict) else None
    context = {
        "aliases": aliases,
        "definitions": definitions if isinstance(definitions, dict) else {},
        "topics_dir": topics_dir,
        "source_ids": set(source_ids) if source_ids is not None else None,
    }
    try:
        spec = RulesFile.model_validate(data, context=context)
    except ValueError as exc:
        message = validation_message(path, exc, _labelled(data))
        raise ConfigError(message.replace(" (id=", " (name=")) from exc
    topics: dict[str, Topic] = {}
    rules = []
    for item in spec.rules:
        if not item.enabled and not include_disabled:
            continue
        if item.topic is not None:
            if item.topic not in topics:
                topics[item.topic] = load_topic(item.topic, topics_dir, aliases)
            query, text = topics[item.topic].query, f"topic:{item.topic}"
        else:
            query = parse_query(item.query or "", aliases, spec.define, where=f"rule {item.name!r}")
            text = item.query or ""
        rules.append(
            Rule(
                name=item.name,
                query=query,
                source_text=text,
                recipients=tuple(item.recipients),
                channels=tuple(item.channels),
                languages=frozenset(item.languages) if item.languages else None,
                sources=frozenset(item.sources) if item.sources else None,
                min_score=item.min_score,
                delivery=item.delivery,
                enabled=item.enabled,
            )
        )
    return rules
