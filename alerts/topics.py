"""Built-in topics (`config/topics/NAME.yaml`): a named query with its own definitions, which
rules use with `topic: NAME` instead of writing the query themselves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from newswatch.alerts.query import Node, QuerySyntaxError, parse_query
from newswatch.config.errors import ConfigError
from newswatch.config.settings import CONFIG_DIR
from newswatch.config.yamlfile import read_yaml, validation_message

BUNDLED_TOPICS = CONFIG_DIR / "topics"
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]


class TopicFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: str = ""
    define: dict[Name, str] = {}
    query: str


@dataclass(frozen=True, eq=False)
class Topic:
    name: str
    description: str
    query: Node


@lru_cache(maxsize=8)
def topic_names(directory: Path) -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in Path(directory).glob("*.yaml")))


def load_topic(
    name: str, directory: Path | None = None, aliases: Mapping[str, tuple[str, ...]] | None = None
) -> Topic:
    """Read and parse a topic; errors name the file, the key (query or define.NAME) and the
    place in the query."""
    path = (directory or BUNDLED_TOPICS) / f"{name}.yaml"
    data = read_yaml(path)
    try:
        spec = TopicFile.model_validate(data)
    except ValueError as exc:
        raise ConfigError(validation_message(path, exc, data)) from exc
    if spec.name != name:
        raise ConfigError(f"{path}: name: {spec.name!r} differs from the file name {name!r}")
    # Each definition on its own first, so that an error names the definition's key.
    for key, text in [*((f"define.{n}", t) for n, t in spec.define.items()), ("query", None)]:
        try:
            node = parse_query(text or spec.query, aliases, spec.define, where=None)
        except QuerySyntaxError as exc:
            raise ConfigError(f"{path}: {key}: {exc}") from exc
    return Topic(spec.name, spec.description.strip(), node)
