"""cases: the reminder index holds only cases not reminded yet (partial index)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27 02:30:00

With a million open cases, half of them reminded, the full (status, reminder_at) index made
the sweeper walk half a million entries a minute (bench/scale.py).
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_cases_status_reminder', table_name='cases')
    op.create_index('ix_cases_reminder_pending', 'cases', ['status', 'reminder_at'],
                    sqlite_where=sa.text('reminded_at IS NULL'),
                    postgresql_where=sa.text('reminded_at IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_cases_reminder_pending', table_name='cases')
    op.create_index('ix_cases_status_reminder', 'cases', ['status', 'reminder_at'])
