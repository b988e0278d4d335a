"""The fixtures' expected.json files, and how extracted text is compared with them."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from newswatch.fixtures import SITES_DIR

_TOKEN = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Expected:
    path: Path
    url: str
    kind: str
    source: str
    title: str
    published: str
    language: str
    text: str
    chrome: tuple[str, ...]
    seed: str | None = None


def load_expected() -> list[Expected]:
    items = []
    for path in sorted(SITES_DIR.glob("*/expected/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        items.append(
            Expected(
                path=path,
                url=data["url"],
                kind=data["kind"],
                source=data["source"],
                title=data["title"],
                published=data["published"],
                language=data["language"],
                text=data["text"],
                chrome=tuple(data.get("chrome", ())),
                seed=data.get("seed"),
            )
        )
    return items


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold().replace("ё", "е"))


def token_f1(got: str, want: str) -> float:
    got_tokens, want_tokens = Counter(tokens(got)), Counter(tokens(want))
    overlap = sum((got_tokens & want_tokens).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(got_tokens.values())
    recall = overlap / sum(want_tokens.values())
    return 2 * precision * recall / (precision + recall)


def fixture_file(url: str) -> Path:
    """The fixture file a site serves for an article URL."""
    from urllib.parse import urlsplit

    import yaml

    parts = urlsplit(url)
    site = SITES_DIR / parts.hostname
    routes = yaml.safe_load((site / "site.yaml").read_text(encoding="utf-8"))["routes"]
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return site / routes[path]["file"]
