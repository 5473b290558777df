"""Alembic environment of the quota-opt store. The store passes an open connection (inside the
transaction that holds the migration lock); `alembic` on the command line gets the URL from
QUOTA_OPT_DB through quota_opt.store.database_url()."""

from alembic import context
from sqlalchemy import text

from quota_opt.store.engine import make_engine
from quota_opt.store.tables import Base
from quota_opt.store.urls import database_url


def run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      transactional_ddl=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # two processes opening a new store at once: one migrates, the other waits and finds it done
            connection.execute(text("SELECT pg_advisory_xact_lock(715120430)"))
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or database_url())
    with engine.connect() as connection:
        run(connection)
        connection.commit()
    engine.dispose()
