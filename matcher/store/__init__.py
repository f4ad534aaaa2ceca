"""The relational store (SQLite by default, PostgreSQL via MATCHER_DATABASE_URL): the source of truth."""

from matcher.store.repository import Store

__all__ = ["Store"]
