"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.db import Database
from storage.models import Base, described_by_models


async def test_migrations_match_the_models(tmp_path):
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'schema.sqlite3'}")
    await db.upgrade()
    assert not await db.pending_migrations()
    diff = await db.run(
        lambda connection: compare_metadata(MigrationContext.configure(
            connection, opts={"include_object": described_by_models}), Base.metadata))
    await db.close()
    assert diff == []
