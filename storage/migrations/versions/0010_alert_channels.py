"""alert channels: deliveries and messages to an Apprise channel (chat, webhook) carry its URL

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch copy): SQLite keeps every table and trigger as it is
    op.add_column("alert_deliveries", sa.Column("channel", sa.Text(), nullable=True))
    op.add_column("alert_messages", sa.Column("channel", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_messages") as batch:
        batch.drop_column("channel")
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.drop_column("channel")
