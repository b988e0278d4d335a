"""events: reports of one happening across outlets and languages; alerts keyed by event

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("day", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_published", sa.DateTime(timezone=True), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_events_day", "events", ["day"])
    op.create_index("ix_events_first_published", "events", ["first_published"])
    op.create_table(
        "event_reports",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("how", sa.String(16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("matched_article_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("features", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("article_id"),
    )
    op.create_index("ix_event_reports_event_id", "event_reports", ["event_id"])
    op.create_index("ix_event_reports_day", "event_reports", ["day"])
    op.create_table(
        "event_keys",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "article_id"),
    )
    op.create_index("ix_event_keys_key_day", "event_keys", ["key", "day"])
    op.create_index("ix_event_keys_article_id", "event_keys", ["article_id"])
    op.create_index("ix_event_keys_created_at", "event_keys", ["created_at"])
    for table in ("articles", "stories"):
        # No table rebuild on SQLite (other tables reference these and foreign keys are on): a
        # plain ADD COLUMN with its REFERENCES clause.
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} ADD COLUMN event_id INTEGER REFERENCES events (id)")
        else:
            op.add_column(table, sa.Column("event_id", sa.Integer(), nullable=True))
            op.create_foreign_key(f"fk_{table}_event_id", table, "events", ["event_id"], ["id"])
        op.create_index(f"ix_{table}_event_id", table, ["event_id"])
    # Stories stored before events existed: each becomes its own event, with the story's id,
    # so every existing delivery keeps meaning "this story was alerted".
    op.execute(
        "INSERT INTO events (id, title, kind, day, first_published, languages, report_count,"
        " created_at, updated_at) SELECT id, title, 'none', first_published, first_published,"
        " '[]', article_count, created_at, updated_at FROM stories"
    )
    op.execute("UPDATE stories SET event_id = id")
    op.execute("UPDATE articles SET event_id = story_id")
    op.execute(
        "INSERT INTO event_reports (article_id, event_id, how, reasons, created_at)"
        " SELECT id, story_id, 'backfill', '[]', fetched_at FROM articles"
        " WHERE story_id IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('events', 'id'),"
            " COALESCE((SELECT MAX(id) FROM events), 0) + 1, false)"
        )
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
    op.execute("UPDATE alert_deliveries SET event_id = story_id")
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.alter_column("event_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("uq_alert_rule_story_recipient", type_="unique")
        batch.create_unique_constraint(
            "uq_alert_rule_event_recipient", ["rule", "event_id", "recipient"]
        )
        batch.create_foreign_key("fk_alert_deliveries_event_id", "events", ["event_id"], ["id"])
        batch.create_index("ix_alert_deliveries_event_id", ["event_id"])


def downgrade() -> None:
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.drop_index("ix_alert_deliveries_event_id")
        batch.drop_constraint("fk_alert_deliveries_event_id", type_="foreignkey")
        batch.drop_constraint("uq_alert_rule_event_recipient", type_="unique")
        batch.create_unique_constraint(
            "uq_alert_rule_story_recipient", ["rule", "story_id", "recipient"]
        )
        batch.drop_column("event_id")
    for table in ("stories", "articles"):
        op.drop_index(f"ix_{table}_event_id", table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("event_id")
    op.drop_table("event_keys")
    op.drop_table("event_reports")
    op.drop_table("events")
