"""Full-text candidates: article ids whose title or text holds words starting with given
prefixes (SQLite FTS5 or PostgreSQL tsvector, both set up by migration 0009). Exact word
forms are checked by the caller; this only narrows 100,000 articles to a few hundred."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

_PIECE = re.compile(r"[^\W_]+")
PG_DOCUMENT = "to_tsvector('simple', coalesce(title, '') || ' ' || text)"  # as indexed


def _pieces(prefix: str) -> list[str]:
    """Letters and digits only: nothing of the user's input reaches the query syntax."""
    return _PIECE.findall(prefix.lower())


def _fts5_query(groups: Sequence[Sequence[str]]) -> str:
    clauses = []
    for group in groups:
        options = [" ".join(f'"{p}"' for p in _pieces(prefix)) + "*" for prefix in group]
        clauses.append("(" + " OR ".join(o for o in options if o != "*") + ")")
    return " AND ".join(clauses)


def _tsquery(groups: Sequence[Sequence[str]]) -> str:
    clauses = []
    for group in groups:
        options = [" & ".join(f"{p}:*" for p in _pieces(prefix)) for prefix in group]
        clauses.append("(" + " | ".join(f"({o})" for o in options if o) + ")")
    return " & ".join(clauses)


def candidate_ids(session: Session, groups: Sequence[Sequence[str]], limit: int) -> list[int]:
    """Newest first: ids of articles with, for every group, a word starting with one of its
    prefixes. An empty or letterless group list finds nothing."""
    groups = [g for g in groups if any(_pieces(p) for p in g)]
    if not groups:
        return []
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q ORDER BY rowid DESC"
        query = _fts5_query(groups)
    elif dialect == "postgresql":
        sql = (
            f"SELECT id FROM articles WHERE {PG_DOCUMENT} @@ to_tsquery('simple', :q) "
            "ORDER BY id DESC"
        )
        query = _tsquery(groups)
    else:
        raise NotImplementedError(f"no full-text search on {dialect}")
    return list(session.scalars(text(sql + " LIMIT :n"), {"q": query, "n": limit}))
