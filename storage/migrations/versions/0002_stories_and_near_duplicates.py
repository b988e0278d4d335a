"""stories, article versions, near-duplicate index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("canonical_article_id", sa.Integer(), nullable=True),
        sa.Column("first_published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stories_first_published", "stories", ["first_published"])
    op.create_index("ix_stories_updated_at", "stories", ["updated_at"])
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("dedup_reason", sa.String(16), nullable=False, server_default="new")
        )
        batch.add_column(sa.Column("dedup_score", sa.Float(), nullable=True))
        batch.add_column(sa.Column("matched_article_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("sketch", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("cited_urls", sa.JSON(), nullable=True))
        batch.create_foreign_key("fk_articles_story_id", "stories", ["story_id"], ["id"])
        batch.create_index("ix_articles_story_id", ["story_id"])
    # Articles stored before stories existed: one story each.
    op.execute(
        "INSERT INTO stories (id, title, canonical_article_id, first_published, article_count,"
        " created_at, updated_at) SELECT id, title, id, published, 1, fetched_at, fetched_at"
        " FROM articles"
    )
    op.execute("UPDATE articles SET story_id = id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('stories', 'id'),"
            " COALESCE((SELECT MAX(id) FROM stories), 0) + 1, false)"
        )
    op.create_table(
        "article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_article_versions_article_id", "article_versions", ["article_id"])
    op.create_table(
        "lsh_bands",
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "article_id"),
    )
    op.create_index("ix_lsh_bands_article_id", "lsh_bands", ["article_id"])
    op.create_index("ix_lsh_bands_created_at", "lsh_bands", ["created_at"])
    op.create_table(
        "store_lock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("counter", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO store_lock (id, counter) VALUES (1, 0)")


def downgrade() -> None:
    op.drop_table("store_lock")
    op.drop_table("lsh_bands")
    op.drop_table("article_versions")
    with op.batch_alter_table("articles") as batch:
        batch.drop_index("ix_articles_story_id")
        batch.drop_constraint("fk_articles_story_id", type_="foreignkey")
        for column in (
            "cited_urls",
            "sketch",
            "version",
            "matched_article_id",
            "dedup_score",
            "dedup_reason",
            "story_id",
        ):
            batch.drop_column(column)
    op.drop_table("stories")
