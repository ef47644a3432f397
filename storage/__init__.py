"""Persistence: SQLAlchemy models, the database handle, queries and migrations."""
