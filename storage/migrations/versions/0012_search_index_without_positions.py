"""SQLite full-text index without word positions (FTS5 detail=none)

Search only narrows articles to those holding words that start with given prefixes (exact forms
are checked afterwards, storage.search): it never asks for a phrase, a NEAR group or a column,
the queries that need positions. Without them each stored article's index insert costs about
a third less (0.68 -> 0.48 ms for a 600-word text, in memory) and the index is smaller. The
index is rebuilt from the articles: on a large database this upgrade takes a while, once.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _recreate(detail: str) -> None:
    """The index table again, same tokenizer, with the given detail; its triggers (0009) name
    it and need no change."""
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL's GIN index (0009) stores no positions to drop
    op.execute("DROP TABLE IF EXISTS articles_fts")
    op.execute(
        f"""CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', detail={detail})"""
    )
    op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")


def upgrade() -> None:
    _recreate("none")


def downgrade() -> None:
    _recreate("full")
