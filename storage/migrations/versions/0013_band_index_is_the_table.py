"""The near-duplicate band table is its key index and nothing more

Every stored article writes 42 band rows and looks 42 keys up. Until now each row went into
four B-trees on SQLite (the rowid table, the (key, article_id) key, and indexes on article_id
and created_at) and three on PostgreSQL, plus a foreign-key check of its article each; only the
key index is ever read. At a million articles (42 million rows) those extra trees were most of
the table's size and of a store's page writes. Now the table is (key, article_id), clustered on
its key on SQLite (WITHOUT ROWID); no foreign key. Band rows are found by their article's
sketch: deleted with its old sketch (a new version), or when its fetched_at leaves the window
(prune, which then drops the sketch too: ix_articles_sketched lists the articles that still
have bands, by age). Neither needs the article_id or created_at index.

SQLite rebuilds the table (a few minutes at a million articles, once); PostgreSQL drops the
indexes, the constraint and the column in place.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# An article keeps its sketch while its bands are indexed; expired articles (pruned by the
# old created_at index) lose it here, so prune finds the ones to expire by this index alone.
_FORGET_EXPIRED_SKETCHES = (
    "UPDATE articles SET sketch = NULL WHERE sketch IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM lsh_bands WHERE lsh_bands.article_id = articles.id)"
)


def upgrade() -> None:
    op.execute(_FORGET_EXPIRED_SKETCHES)  # through the old article_id index, still there
    op.create_index(
        "ix_articles_sketched",
        "articles",
        ["fetched_at"],
        sqlite_where=sa.text("sketch IS NOT NULL"),
        postgresql_where=sa.text("sketch IS NOT NULL"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE TABLE lsh_bands_new (key BIGINT NOT NULL, article_id INTEGER NOT NULL,"
            " PRIMARY KEY (key, article_id)) WITHOUT ROWID"
        )
        # read in key order through the old key index: the new tree is appended to
        op.execute(
            "INSERT INTO lsh_bands_new (key, article_id)"
            " SELECT key, article_id FROM lsh_bands ORDER BY key, article_id"
        )
        op.execute("DROP TABLE lsh_bands")  # its indexes go with it
        op.execute("ALTER TABLE lsh_bands_new RENAME TO lsh_bands")
        return
    op.drop_index("ix_lsh_bands_created_at", table_name="lsh_bands")
    op.drop_index("ix_lsh_bands_article_id", table_name="lsh_bands")
    op.drop_constraint("lsh_bands_article_id_fkey", "lsh_bands", type_="foreignkey")
    op.drop_column("lsh_bands", "created_at")


def downgrade() -> None:
    """The old table again; a band's created_at is its article's fetched_at, as when stored."""
    op.drop_index("ix_articles_sketched", table_name="articles")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE lsh_bands RENAME TO lsh_bands_keys")
        op.create_table(
            "lsh_bands",
            sa.Column("key", sa.BigInteger(), nullable=False),
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("key", "article_id"),
        )
        op.execute(
            "INSERT INTO lsh_bands (key, article_id, created_at)"
            " SELECT b.key, b.article_id, a.fetched_at FROM lsh_bands_keys b"
            " JOIN articles a ON a.id = b.article_id"
        )
        op.execute("DROP TABLE lsh_bands_keys")
    else:
        op.add_column("lsh_bands", sa.Column("created_at", sa.DateTime(timezone=True)))
        op.execute(
            "UPDATE lsh_bands b SET created_at = a.fetched_at FROM articles a"
            " WHERE a.id = b.article_id"
        )
        op.execute("DELETE FROM lsh_bands WHERE created_at IS NULL")  # of a deleted article
        op.alter_column("lsh_bands", "created_at", nullable=False)
        op.create_foreign_key(
            "lsh_bands_article_id_fkey",
            "lsh_bands",
            "articles",
            ["article_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_index("ix_lsh_bands_article_id", "lsh_bands", ["article_id"])
    op.create_index("ix_lsh_bands_created_at", "lsh_bands", ["created_at"])
