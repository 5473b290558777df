"""The store's tables (SQLAlchemy 2 declarative), as of the newest migration in
migrations/versions/; a migration changes them, never `create_all` on a store in use."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {"ix": "ix_%(table_name)s_%(column_0_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ScenarioVersion(Base):
    """A scenario as it was solved: immutable, one row per distinct content (content_hash is
    the SHA-256 of its canonical JSON), whoever saved it first and when."""

    __tablename__ = "scenario_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[str] = mapped_column(Text)
    """The scenario as canonical JSON (sorted keys): loads back into an equal Scenario."""


class Run(Base):
    """One solve (command line or app) of one scenario version. Written twice: as `running`
    when it starts, and once, in one transaction with its allocation, when it ends; a run still
    `running` whose process is gone was interrupted."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"), index=True)
    name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    """solve, resolve, or app (a solve from the browser)."""
    status: Mapped[str] = mapped_column(String(20))
    """running, then a solver status (optimal, time_limit, no_solution, infeasible, error)."""
    options: Mapped[str] = mapped_column(Text)
    """SolveOptions as JSON."""
    author: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    objective: Mapped[float | None] = mapped_column(Float, nullable=True)
    gap: Mapped[float | None] = mapped_column(Float, nullable=True)
    build_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    solve_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    dwellings: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """Dwellings in the stored allocation (a check that it was stored whole)."""
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    """summary.json of the run."""
    solver_log: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    previous_run_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    """(migration 0002) A re-solve: the run whose plan it revised, when that run is stored."""


class RunAllocation(Base):
    """allocation.csv of a run, one row per cell with dwellings > 0."""

    __tablename__ = "run_allocations"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    group: Mapped[str] = mapped_column("group_id", String(200), primary_key=True)
    dwelling_type: Mapped[str] = mapped_column(String(200), primary_key=True)
    corporation: Mapped[str] = mapped_column(String(200), primary_key=True)
    district: Mapped[str] = mapped_column(String(200), primary_key=True)
    period: Mapped[str] = mapped_column(String(200), primary_key=True)
    dwellings: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    """Row number in the run's allocation.csv: read back in the same order."""


class RunTable(Base):
    """(migration 0002) A named table of a run's report: what changed, marginal values, ...,
    as JSON records."""

    __tablename__ = "run_tables"
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    content: Mapped[str] = mapped_column(Text)


class Decision(Base):
    """The steering group adopted a run's plan: who recorded it, when, and why. Never updated
    or deleted; the newest decision for a scenario name is the plan in force."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    adopted_by: Mapped[str] = mapped_column(String(200))
    adopted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text)


Index("ix_runs_started_at", Run.started_at)
