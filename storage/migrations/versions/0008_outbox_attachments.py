"""outbox: attachments sent with an email

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 00:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('attachment_ids', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('attachment_ids')
