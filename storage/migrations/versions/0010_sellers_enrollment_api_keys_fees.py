"""sellers: plan, account health, enrollment history; API keys; fee statements

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 01:30:00
"""

import json

import sqlalchemy as sa
from alembic import op

import storage.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sellers') as batch:
        batch.add_column(sa.Column('plan', sa.String(length=16), nullable=False,
                                   server_default='professional'))
        batch.add_column(sa.Column('account_health', sa.String(length=16), nullable=False,
                                   server_default='good'))
        batch.add_column(sa.Column('enrollment_history', sa.JSON(), nullable=False,
                                   server_default='[]'))
    # The one period each seller's enrolled_at / opted_out_at describe.
    sellers = sa.table('sellers', sa.column('id', sa.String),
                       sa.column('enrolled_at', storage.types.UTCDateTime(timezone=True)),
                       sa.column('opted_out_at', storage.types.UTCDateTime(timezone=True)),
                       sa.column('enrollment_history', sa.JSON))
    connection = op.get_bind()
    for seller_id, enrolled, opted_out in connection.execute(
            sa.select(sellers.c.id, sellers.c.enrolled_at, sellers.c.opted_out_at)):
        if enrolled is None:
            continue
        period = {"enrolled_at": enrolled.isoformat(), "terms_accepted_at": enrolled.isoformat(),
                  "opted_out_at": opted_out.isoformat()
                  if opted_out is not None and opted_out > enrolled else None}
        connection.execute(sellers.update().where(sellers.c.id == seller_id)
                           .values(enrollment_history=json.loads(json.dumps([period]))))
    with op.batch_alter_table('sellers') as batch:
        batch.alter_column('plan', server_default=None)
        batch.alter_column('account_health', server_default=None)
        batch.alter_column('enrollment_history', server_default=None)
    op.create_table(
        'api_keys',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seller_id', sa.String(length=64), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=12), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key_hash'),
    )
    op.create_index(op.f('ix_api_keys_seller_id'), 'api_keys', ['seller_id'], unique=False)
    op.create_table(
        'fee_statements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seller_id', sa.String(length=64), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['seller_id'], ['sellers.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('seller_id', 'month', name='uq_fee_statements'),
    )


def downgrade() -> None:
    op.drop_table('fee_statements')
    op.drop_index(op.f('ix_api_keys_seller_id'), table_name='api_keys')
    op.drop_table('api_keys')
    with op.batch_alter_table('sellers') as batch:
        batch.drop_column('enrollment_history')
        batch.drop_column('account_health')
        batch.drop_column('plan')
