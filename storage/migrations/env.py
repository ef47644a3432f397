"""Alembic environment: runs on the connection `storage.db.Database.upgrade` hands over."""

from alembic import context

from storage.models import Base, described_by_models

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `csba db upgrade` (storage.db.Database.upgrade)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=described_by_models,
)
with context.begin_transaction():
    context.run_migrations()
