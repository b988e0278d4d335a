"""alert messages: each email composed and committed before it is sent; deliveries point to it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id", name="uq_alert_messages_message_id"),
    )
    op.create_index("ix_alert_messages_due", "alert_messages", ["status", "next_attempt_at"])
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.add_column(sa.Column("alert_message_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_alert_deliveries_alert_message_id", "alert_messages", ["alert_message_id"], ["id"]
        )
        batch.create_index("ix_alert_deliveries_alert_message_id", ["alert_message_id"])


def downgrade() -> None:
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.drop_index("ix_alert_deliveries_alert_message_id")
        batch.drop_constraint("fk_alert_deliveries_alert_message_id", type_="foreignkey")
        batch.drop_column("alert_message_id")
    op.drop_index("ix_alert_messages_due", table_name="alert_messages")
    op.drop_table("alert_messages")
