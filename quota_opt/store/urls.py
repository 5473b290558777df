"""Where the store lives: QUOTA_OPT_DB (a SQLAlchemy URL, or a path to a SQLite file), else a
SQLite file in the user's data folder ($XDG_DATA_HOME/quota-opt, ~/.local/share/quota-opt)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url

ENV = "QUOTA_OPT_DB"


def default_sqlite_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "quota-opt" / "quota-opt.sqlite"


def database_url(value: str | None = None) -> str:
    """The URL to open: `value`, else QUOTA_OPT_DB, else the default SQLite file. A value
    without '://' is a SQLite file path; postgresql:// means psycopg (version 3)."""
    value = value or os.environ.get(ENV) or str(default_sqlite_path())
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    url = make_url(value)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def shown(url: str) -> str:
    """The URL as it may be printed: without the password."""
    return make_url(url).render_as_string(hide_password=True)
