"""An engine whose transactions are safe with several processes writing: on SQLite every
writing transaction starts with BEGIN IMMEDIATE (writers queue on the lock, waiting up to 60 s,
instead of failing half-way), readers use a plain BEGIN and, in WAL mode, never wait for a
writer; foreign keys are enforced. On PostgreSQL the server does this."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_WAIT_SECONDS = 60
READ_ONLY = "quota_opt_read_only"
"""Execution option of a connection that only reads: on SQLite a plain BEGIN."""


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_WAIT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we say when a transaction begins (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_WAIT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # readers (WAL) see the last commit without waiting for a writer; writers queue here
        reading = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")

    return engine
