"""The rules page's "try a query": a query run over the newest stored articles, as a rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from newswatch.alerts.document import Document
from newswatch.alerts.engine import Match, Matcher
from newswatch.alerts.query import QuerySyntaxError, parse_query
from newswatch.alerts.rules import Rule
from newswatch.config.yamlfile import read_yaml
from newswatch.storage.models import Article
from newswatch.web.queries import newest_articles

MAX_QUERY_CHARS = 1000
ARTICLES = 2000  # the newest ones: enough to see what a rule would catch, bounded in time
SHOWN = 50


@dataclass
class Trial:
    query: str
    error: QuerySyntaxError | None = None
    too_long: bool = False
    checked: int = 0
    matches: list[tuple[Article, Match]] = field(default_factory=list)


def definitions(rules_file: Path) -> dict[str, str]:
    """The rules file's `define:` names, so a trial can use $name like the rules do."""
    data = read_yaml(rules_file)
    define = data.get("define") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in define.items()} if isinstance(define, dict) else {}


def try_query(session: Session, query: str, defined: dict[str, str]) -> Trial:
    trial = Trial(query)
    if len(query) > MAX_QUERY_CHARS:
        trial.too_long = True
        return trial
    try:
        node = parse_query(query, definitions=defined)
    except QuerySyntaxError as exc:
        trial.error = exc
        return trial
    matcher = Matcher.from_rules([Rule(name="trial", query=node, source_text=query)])
    for article in newest_articles(session, ARTICLES):
        trial.checked += 1
        document = Document(article.title or "", article.text, article.language, article.source_id)
        for match in matcher.match(document):
            if len(trial.matches) < SHOWN:
                trial.matches.append((article, match))
    return trial
