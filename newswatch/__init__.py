"""newswatch: a news monitor for Tajik–Kazakh relations.

One installable package. Its layers, lowest first (checked by import-linter, see README):
`newswatch.config` ← `newswatch.storage` ← {`newswatch.crawler`, `newswatch.alerts`} ←
`newswatch.scheduler` ← the application (`newswatch.cli`, `newswatch.__main__`).
In a checkout the layers live in the top-level folders `config/`, `storage/`, `crawler/`,
`alerts/` and `scheduler/`; the wheel installs them under this package.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newswatch")
except PackageNotFoundError:  # a checkout that was never installed
    __version__ = "0.0.0"
