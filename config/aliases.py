"""The entity alias table (`config/aliases.yaml`): `@name` -> its spellings in every script.
Alert queries (`@name`) and event linking both read it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, RootModel, StringConstraints

from newswatch.config.errors import ConfigError
from newswatch.config.settings import CONFIG_DIR
from newswatch.config.yamlfile import read_yaml, validation_message

BUNDLED_ALIASES = CONFIG_DIR / "aliases.yaml"

AliasName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{0,63}$")]
Spelling = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class AliasFile(RootModel[dict[AliasName, Annotated[list[Spelling], Field(min_length=1)]]]):
    pass


def load_aliases(path: Path | None = None) -> dict[str, tuple[str, ...]]:
    """Read and validate the alias table; errors name the file, the alias and the entry."""
    path = path or BUNDLED_ALIASES
    data = read_yaml(path)
    try:
        table = AliasFile.model_validate(data).root
    except ValueError as exc:
        raise ConfigError(validation_message(path, exc, data)) from exc
    return {name: tuple(dict.fromkeys(spellings)) for name, spellings in table.items()}
