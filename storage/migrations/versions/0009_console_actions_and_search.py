"""console: take-over, flags, reviews, notes; full-text search over messages

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 01:00:00

SQLite gets an external-content FTS5 table kept in step by triggers; PostgreSQL a GIN index
on the messages' tsvector ('simple' configuration: customers write in several languages).
"""

import sqlalchemy as sa
from alembic import op

import storage.types

# PostgreSQL: accents folded as SQLite's unicode61 tokenizer folds them ('simple' has no
# unaccent, and the unaccent extension needs a superuser); storage.search uses the same.
PG_DOCUMENT = ("to_tsvector('simple', translate(body, "
               "'ÁÉÍÓÚÜÑáéíóúüñÀÈÌÒÙàèìòùÂÊÎÔÛâêîôûÇçÃÕãõ', "
               "'AEIOUUNaeiouunAEIOUaeiouAEIOUaeiouCcAOao'))")

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('taken_over_by', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('flagged_at', storage.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('reviewed_at', storage.types.UTCDateTime(timezone=True),
                                   nullable=True))
        batch.create_foreign_key('fk_conversations_taken_over_by', 'users',
                                 ['taken_over_by'], ['id'])
        batch.create_index('ix_conversations_flagged_at', ['flagged_at'])
    op.create_table(
        'notes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], ),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_notes_conversation_id', 'notes', ['conversation_id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE messages_fts USING fts5("
                   "body, content='messages', content_rowid='id', "
                   "tokenize='unicode61 remove_diacritics 2')")
        op.execute("INSERT INTO messages_fts(rowid, body) SELECT id, body FROM messages")
        op.execute("CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
                   "INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END")
        op.execute("CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
                   "INSERT INTO messages_fts(messages_fts, rowid, body) "
                   "VALUES ('delete', old.id, old.body); END")
        op.execute("CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN "
                   "INSERT INTO messages_fts(messages_fts, rowid, body) "
                   "VALUES ('delete', old.id, old.body); "
                   "INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body); END")
    else:
        op.execute("CREATE INDEX ix_messages_body_fts ON messages "
                   f"USING gin ({PG_DOCUMENT})")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for trigger in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER messages_fts_{trigger}")
        op.execute("DROP TABLE messages_fts")
    else:
        op.execute("DROP INDEX ix_messages_body_fts")
    op.drop_index('ix_notes_conversation_id', table_name='notes')
    op.drop_table('notes')
    with op.batch_alter_table('conversations') as batch:
        batch.drop_index('ix_conversations_flagged_at')
        batch.drop_constraint('fk_conversations_taken_over_by', type_='foreignkey')
        batch.drop_column('reviewed_at')
        batch.drop_column('flagged_at')
        batch.drop_column('taken_over_by')
