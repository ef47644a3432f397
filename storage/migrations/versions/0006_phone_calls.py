"""phone calls: speech confidence on messages, call status callbacks

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 23:50:00
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.add_column(sa.Column('speech_confidence', sa.Float(), nullable=True))
    op.create_table(
        'call_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_sid', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=24), nullable=False),
        sa.Column('caller', sa.String(length=32), nullable=True),
        sa.Column('duration_seconds', sa.Integer(), nullable=True),
        sa.Column('received_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('call_sid', 'status', name='uq_call_events'),
    )
    op.create_index(op.f('ix_call_events_call_sid'), 'call_events', ['call_sid'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_call_events_call_sid'), table_name='call_events')
    op.drop_table('call_events')
    with op.batch_alter_table('messages') as batch:
        batch.drop_column('speech_confidence')
