"""The scenario and run store (issue 6): SQLAlchemy, SQLite by default, PostgreSQL when
QUOTA_OPT_DB holds its URL; Alembic migrations in migrations/."""

from .store import (DecisionInfo, RunInfo, RunRecord, ScenarioVersionInfo, Store, StoreError, author_name,
                    content_hash, open_store)
from .urls import database_url, default_sqlite_path

__all__ = ["DecisionInfo", "RunInfo", "RunRecord", "ScenarioVersionInfo", "Store", "StoreError", "author_name",
           "content_hash", "database_url", "default_sqlite_path", "open_store"]
