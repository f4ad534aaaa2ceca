"""Alembic migrations of the store (``matcher.store.migrate`` runs them)."""
