"""The vocabulary of event linking: entities (config/aliases.yaml) with their roles and the
trigger words of each kind of event (config/events.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from newswatch.config.aliases import load_aliases
from newswatch.config.errors import ConfigError
from newswatch.config.settings import CONFIG_DIR
from newswatch.config.yamlfile import read_yaml, validation_message
from newswatch.events.phrases import PhraseIndex

BUNDLED_EVENTS = CONFIG_DIR / "events.yaml"
ROLES = ("countries", "places", "formats", "foreign", "media", "bodies", "documents")


class _Roles(BaseModel):
    model_config = ConfigDict(extra="forbid")
    countries: list[str] = []
    places: list[str] = []
    formats: list[str] = []
    foreign: list[str] = []
    media: list[str] = []
    bodies: list[str] = []
    documents: list[str] = []


class _EventsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    roles: _Roles
    partners: dict[str, list[str]] = {}
    triggers: dict[str, list[str]]


@dataclass(frozen=True)
class Vocabulary:
    entities: PhraseIndex
    triggers: PhraseIndex
    role: dict[str, str]  # entity -> role; actors have none
    partners: dict[str, str]  # a partner's leader -> the format of its summits with Central Asia

    def role_of(self, entity: str) -> str:
        return self.role.get(entity, "actor")


def load_vocabulary(events: Path | None = None, aliases: Path | None = None) -> Vocabulary:
    path = events or BUNDLED_EVENTS
    data = read_yaml(path)
    try:
        parsed = _EventsFile.model_validate(data)
    except ValueError as exc:
        raise ConfigError(validation_message(path, exc, data)) from exc
    table = load_aliases(aliases)
    role = {}
    for name in ROLES:
        for entity in getattr(parsed.roles, name):
            if entity not in table:
                raise ConfigError(f"{path}: roles.{name}: {entity!r} is not in the alias table")
            role[entity] = name
    partners = {}
    for fmt, leaders in parsed.partners.items():
        for leader in [fmt, *leaders]:
            if leader not in table:
                raise ConfigError(f"{path}: partners: {leader!r} is not in the alias table")
        partners |= {leader: fmt for leader in leaders}
    spellings = [(name, s.rstrip("*")) for name, values in table.items() for s in values]
    triggers = [(kind, word) for kind, words in parsed.triggers.items() for word in words]
    return Vocabulary(PhraseIndex(spellings), PhraseIndex(triggers, max_ending=10), role, partners)


@lru_cache(maxsize=1)
def bundled_vocabulary() -> Vocabulary:
    return load_vocabulary()
