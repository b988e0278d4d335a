"""The entity alias table, as alert queries use it (the loader lives in the config layer, so
event linking below the alerts layer reads the same table)."""

from newswatch.config.aliases import BUNDLED_ALIASES, load_aliases

__all__ = ["BUNDLED_ALIASES", "load_aliases"]
