"""cases: indexes for the sweeper (status with deadline, status with reminder time)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 02:00:00
"""

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cases_status_deadline', 'cases', ['status', 'deadline_at'])
    op.create_index('ix_cases_status_reminder', 'cases', ['status', 'reminder_at'])


def downgrade() -> None:
    op.drop_index('ix_cases_status_reminder', table_name='cases')
    op.drop_index('ix_cases_status_deadline', table_name='cases')
