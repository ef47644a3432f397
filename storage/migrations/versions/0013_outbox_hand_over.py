"""outbox: when an attempt handed the message to the provider, and what a later attempt
found out about an attempt whose outcome was unknown (a crash, a timeout)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27 02:00:00
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('handed_over_at', storage.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('recovery', sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('recovery')
        batch.drop_column('handed_over_at')
