"""fetch validators for conditional GET; not-modified and unchanged counts per crawl run

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fetch_validators",
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("etag", sa.String(1024), nullable=True),
        sa.Column("last_modified", sa.String(128), nullable=True),
        sa.Column("body_sha256", sa.String(64), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url"),
    )
    with op.batch_alter_table("crawl_run_sources") as batch:
        batch.add_column(
            sa.Column("not_modified", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("unchanged", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("crawl_run_sources") as batch:
        batch.drop_column("unchanged")
        batch.drop_column("not_modified")
    op.drop_table("fetch_validators")
