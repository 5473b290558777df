"""The scenario and run store: immutable scenario versions, runs with their allocation, KPIs
and solver log, and the steering group's decisions. SQLite by default, PostgreSQL when
QUOTA_OPT_DB says so; opening a store migrates it to the newest schema (Alembic)."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from ..schema import Scenario
from .engine import READ_ONLY, make_engine
from .tables import Decision, Run, RunAllocation, RunTable, ScenarioVersion
from .urls import database_url, shown

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA_HEAD = "0002"
"""The newest revision in migrations/versions (a test checks): a store already there opens
without loading Alembic at all."""
ALLOCATION_COLUMNS = ["group", "dwelling_type", "corporation", "district", "period", "dwellings"]
RUNNING, INTERRUPTED = "running", "interrupted"
NAME_LENGTH, TEXT_LENGTH = 500, 200
"""The String(500) and String(200) columns of tables.py: PostgreSQL refuses a longer value,
SQLite would keep it, so both are checked before writing."""
LARGEST_ID = 2**31 - 1
"""Integer ids on PostgreSQL end here; a larger one is no run (not a database error)."""


class StoreError(RuntimeError):
    """The store cannot be opened or does not hold what was asked for; says which store."""


def author_name() -> str:
    """Who is saving: QUOTA_OPT_AUTHOR, else the login name."""
    if os.environ.get("QUOTA_OPT_AUTHOR"):
        return os.environ["QUOTA_OPT_AUTHOR"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container user without a passwd entry
        return "unknown"


def canonical_json(scenario: Scenario) -> str:
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(scenario: Scenario) -> str:
    return hashlib.sha256(canonical_json(scenario).encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """Every time stored is UTC: SQLite gives back naive datetimes, PostgreSQL gives them in
    the session's time zone; both are read back in UTC."""
    if value is None:
        return value
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def _process_gone(host: str, pid: int) -> bool:
    """True when the run's process surely ended: same machine, no such process."""
    if host != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True)
class ScenarioVersionInfo:
    id: int
    content_hash: str
    name: str
    author: str
    created_at: dt.datetime


@dataclass(frozen=True)
class DecisionInfo:
    id: int
    run_id: int
    adopted_by: str
    adopted_at: dt.datetime
    note: str


@dataclass(frozen=True)
class RunInfo:
    """One line of `quota-opt runs list`."""

    id: int
    name: str
    kind: str
    status: str
    """The stored status, or `interrupted` for a run whose process ended before it did."""
    scenario: ScenarioVersionInfo
    author: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    objective: float | None
    gap: float | None
    seconds: float | None
    dwellings: int | None
    previous_run_id: int | None
    adopted: list[DecisionInfo] = field(default_factory=list)


@dataclass(frozen=True)
class RunRecord:
    """Everything stored about one run."""

    info: RunInfo
    options: dict
    summary: dict | None
    allocation: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    solver_log: str
    message: str
    host: str
    pid: int

    def scenario(self, store: "Store") -> Scenario:
        return store.scenario(self.info.scenario.id)


class Store:
    """Open (and if needed create or migrate) the store at `url` (see urls.database_url)."""

    def __init__(self, url: str | None = None):
        try:
            self.url = database_url(url)
        except SQLAlchemyError as error:  # not a URL SQLAlchemy can read
            raise StoreError(f"store {url or os.environ.get('QUOTA_OPT_DB')!r}: not a database URL: {error}") from error
        backend = self.url.split(":", 1)[0].split("+", 1)[0]
        if backend not in ("sqlite", "postgresql"):
            raise StoreError(f"store {shown(self.url)}: {backend!r} is not supported; use a SQLite file or "
                             f"a postgresql:// URL")
        self.engine = None
        try:
            self.engine = make_engine(self.url)
            self._migrate()
        except (SQLAlchemyError, OSError, StoreError) as error:
            if self.engine is not None:
                self.engine.dispose()
            if isinstance(error, StoreError):
                raise
            raise StoreError(f"store {shown(self.url)}: cannot open: {error}") from error

    def __repr__(self) -> str:
        return f"Store({shown(self.url)!r})"

    @property
    def shown_url(self) -> str:
        return shown(self.url)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _reading(self):
        """A connection for reading only (on SQLite it never waits behind a writer)."""
        return self.engine.connect().execution_options(**{READ_ONLY: True})

    # -------------------------------------------------------------- schema migrations
    def _alembic_config(self, connection=None):
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        if connection is not None:
            config.attributes["connection"] = connection
        return config

    def head_revision(self) -> str:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self._alembic_config()).get_current_head()

    def revision(self) -> str | None:
        with self._reading() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()

    def _migrate(self) -> None:
        current = self.revision()
        if current == SCHEMA_HEAD:
            return
        from alembic.script import ScriptDirectory
        from alembic.util.exc import CommandError

        known = {s.revision for s in ScriptDirectory.from_config(self._alembic_config()).walk_revisions()}
        if current is not None and current not in known:
            raise StoreError(f"store {self.shown_url}: schema revision {current!r} is newer than this "
                             f"quota-opt knows (newest: {SCHEMA_HEAD!r}); update quota-opt")
        try:
            self.upgrade("head")
        except CommandError as error:
            raise StoreError(f"store {self.shown_url}: cannot migrate: {error}") from error

    def upgrade(self, target: str = "head") -> None:
        """Migrate under the store's lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory
        lock), so two processes opening an old store migrate it once."""
        from alembic import command

        with self.engine.begin() as connection:
            command.upgrade(self._alembic_config(connection), target)

    # -------------------------------------------------------------- saving
    def _fits(self, what: str, value: str, limit: int = TEXT_LENGTH) -> str:
        """`value` for a String(limit) column, or a StoreError naming the field: PostgreSQL
        refuses a longer value and a NUL character, SQLite would keep either."""
        if len(value) > limit:
            raise StoreError(f"store {self.shown_url}: {what} {value[:40]!r}... is {len(value)} characters long; "
                             f"the store keeps at most {limit}")
        if "\x00" in value:
            raise StoreError(f"store {self.shown_url}: {what} {value!r} holds a NUL character, which the store "
                             f"cannot keep")
        return value

    def _check_scenario(self, scenario: Scenario, author: str) -> None:
        self._fits("scenario name", scenario.name, NAME_LENGTH)
        self._fits("author", author)
        for what, ids in (("group id", [g.id for g in scenario.groups]),
                          ("dwelling type", [t.id for t in scenario.dwelling_types]),
                          ("corporation", [c.id for c in scenario.corporations]),
                          ("district", [d.id for d in scenario.districts]), ("period", scenario.periods)):
            for value in ids:
                self._fits(what, value)

    def _insert_ignoring_duplicate(self, connection, values: dict) -> None:
        """Two processes saving the same scenario at once: one row, no error."""
        builder = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        statement = builder(ScenarioVersion).values(**values).on_conflict_do_nothing(index_elements=["content_hash"])
        connection.execute(statement)

    def _scenario_version_id(self, connection, scenario: Scenario, author: str) -> int:
        self._check_scenario(scenario, author)
        digest = content_hash(scenario)
        existing = connection.execute(select(ScenarioVersion.id).where(ScenarioVersion.content_hash == digest)).scalar()
        if existing is not None:
            return existing
        self._insert_ignoring_duplicate(connection, dict(
            content_hash=digest, name=scenario.name, author=author, created_at=_now(),
            content=canonical_json(scenario)))
        return connection.execute(select(ScenarioVersion.id).where(ScenarioVersion.content_hash == digest)).scalar_one()

    def save_scenario(self, scenario: Scenario, author: str | None = None) -> ScenarioVersionInfo:
        """The scenario's version: the existing one when the same content was saved before."""
        with self.engine.begin() as connection:
            version_id = self._scenario_version_id(connection, scenario, author or author_name())
            row = connection.execute(select(ScenarioVersion).where(ScenarioVersion.id == version_id)).one()
        return self._version_info(row)

    def start_run(self, scenario: Scenario, name: str, kind: str, options: dict, author: str | None = None,
                  previous_run_id: int | None = None) -> int:
        """Record a run as `running` (with its scenario version) before the solver starts."""
        author = author or author_name()
        self._fits("run name", name, NAME_LENGTH)
        self._fits("author", author)
        with self.engine.begin() as connection:
            version_id = self._scenario_version_id(connection, scenario, author)
            if previous_run_id is not None and connection.execute(
                    select(Run.id).where(Run.id == previous_run_id)).scalar() is None:
                previous_run_id = None
            result = connection.execute(Run.__table__.insert().values(
                scenario_version_id=version_id, name=name, kind=kind, status=RUNNING,
                options=json.dumps(options, sort_keys=True), author=author, host=socket.gethostname(),
                pid=os.getpid(), started_at=_now(), previous_run_id=previous_run_id))
            return int(result.inserted_primary_key[0])

    def finish_run(self, run_id: int, *, status: str, summary: dict, allocation: pd.DataFrame,
                   solver_log: str = "", message: str = "", tables: dict[str, pd.DataFrame] | None = None) -> None:
        """Store the outcome in one transaction: a run is either still `running` or complete."""
        for name in tables or {}:
            self._fits("table name", name)
        rows = allocation.loc[allocation.dwellings > 0, ALLOCATION_COLUMNS]
        records = [{"run_id": run_id, "group_id": g, "dwelling_type": t, "corporation": c, "district": d,
                    "period": p, "dwellings": int(n), "position": i}
                   for i, (g, t, c, d, p, n) in enumerate(rows.itertuples(index=False))]
        with self.engine.begin() as connection:
            done = connection.execute(update(Run).where(Run.id == run_id, Run.status == RUNNING).values(
                status=status, finished_at=_now(), objective=summary.get("objective"), gap=summary.get("gap"),
                build_seconds=summary.get("build_seconds"), solve_seconds=summary.get("solve_seconds"),
                dwellings=int(rows.dwellings.sum()), summary=json.dumps(summary, sort_keys=True),
                solver_log=solver_log, message=message))
            if done.rowcount != 1:
                raise StoreError(f"store {self.shown_url}: run {run_id} is not a running run")
            if records:
                connection.execute(RunAllocation.__table__.insert(), records)
            for name, frame in (tables or {}).items():
                connection.execute(RunTable.__table__.insert().values(run_id=run_id, name=name,
                                                                      content=_records_json(frame)))

    def add_tables(self, run_id: int, tables: dict[str, pd.DataFrame]) -> None:
        """Add report tables computed after the run ended (explanations asked for later); a
        table already stored under the same name is never replaced."""
        for name in tables:
            self._fits("table name", name)
        with self.engine.begin() as connection:
            status = connection.execute(select(Run.status).where(Run.id == run_id)).scalar()
            if status is None or status == RUNNING:
                raise StoreError(f"store {self.shown_url}: run {run_id} is not a finished run")
            present = set(connection.execute(select(RunTable.name).where(RunTable.run_id == run_id)).scalars())
            clash = sorted(present & set(tables))
            if clash:
                raise StoreError(f"store {self.shown_url}: run {run_id} already has table(s) {', '.join(clash)}")
            for name, frame in tables.items():
                connection.execute(RunTable.__table__.insert().values(run_id=run_id, name=name,
                                                                      content=_records_json(frame)))

    def fail_run(self, run_id: int, message: str, status: str = "error") -> None:
        """A run that ended without an outcome to store: `error` (an exception) or
        `interrupted` (stopped by its user)."""
        with self.engine.begin() as connection:
            connection.execute(update(Run).where(Run.id == run_id, Run.status == RUNNING).values(
                status=status, finished_at=_now(), message=message))

    def save_solution(self, solution, name: str, kind: str, author: str | None = None,
                      tables: dict[str, pd.DataFrame] | None = None, summary: dict | None = None,
                      previous_run_id: int | None = None) -> int:
        """start_run and finish_run for a solve that already ended (the app's runs)."""
        run_id = self.start_run(solution.scenario, name, kind, solution.options.model_dump(mode="json"), author,
                                previous_run_id)
        self.finish_solution(run_id, solution, tables, summary)
        return run_id

    def finish_solution(self, run_id: int, solution, tables: dict[str, pd.DataFrame] | None = None,
                        summary: dict | None = None) -> None:
        from ..export import summary_dict

        summary = {**summary_dict(solution), **(summary or {})}
        self.finish_run(run_id, status=solution.status.value, summary=summary, allocation=solution.allocation,
                        solver_log=solution.solver_log, message=solution.message, tables=tables)

    def adopt(self, run_id: int, note: str, by: str | None = None) -> DecisionInfo:
        """Record that the steering group adopted this run's plan."""
        note = note.strip()
        if not note:
            raise StoreError("adopt: a note is required (what was decided, in which meeting)")
        by = self._fits("adopted by", (by or "").strip() or author_name())
        if not 1 <= run_id <= LARGEST_ID:
            raise StoreError(f"store {self.shown_url}: no run {run_id}")
        with self.engine.begin() as connection:
            run = connection.execute(select(Run.status, Run.host, Run.pid).where(Run.id == run_id)).one_or_none()
            if run is None:
                raise StoreError(f"store {self.shown_url}: no run {run_id}")
            if run.status not in ("optimal", "time_limit"):
                raise StoreError(f"run {run_id} has no plan to adopt (status {self._status(run)})")
            result = connection.execute(Decision.__table__.insert().values(
                run_id=run_id, adopted_by=by, adopted_at=_now(), note=note))
            decision_id = int(result.inserted_primary_key[0])
            row = connection.execute(select(Decision).where(Decision.id == decision_id)).one()
        return self._decision_info(row)

    # -------------------------------------------------------------- reading
    @staticmethod
    def _status(row) -> str:
        if row.status == RUNNING and _process_gone(row.host, row.pid):
            return INTERRUPTED
        return row.status

    @staticmethod
    def _version_info(row) -> ScenarioVersionInfo:
        return ScenarioVersionInfo(id=row.id, content_hash=row.content_hash, name=row.name, author=row.author,
                                   created_at=_utc(row.created_at))

    @staticmethod
    def _decision_info(row) -> DecisionInfo:
        return DecisionInfo(id=row.id, run_id=row.run_id, adopted_by=row.adopted_by,
                            adopted_at=_utc(row.adopted_at), note=row.note)

    def _run_infos(self, connection, where, limit: int | None = None) -> list[RunInfo]:
        statement = (select(Run.id, Run.name, Run.kind, Run.status, Run.host, Run.pid, Run.author, Run.started_at,
                            Run.finished_at, Run.objective, Run.gap, Run.build_seconds, Run.solve_seconds,
                            Run.dwellings, Run.previous_run_id, ScenarioVersion.id.label("version_id"),
                            ScenarioVersion.content_hash, ScenarioVersion.name.label("scenario_name"),
                            ScenarioVersion.author.label("scenario_author"), ScenarioVersion.created_at)
                     .join(ScenarioVersion, Run.scenario_version_id == ScenarioVersion.id)
                     .where(*where).order_by(Run.id.desc()).limit(limit))
        rows = connection.execute(statement).all()
        decisions: dict[int, list[DecisionInfo]] = {}
        if rows:  # by the runs' range, not a list of their ids (PostgreSQL takes 65,535 parameters)
            for d in connection.execute(select(Decision).where(Decision.run_id.between(rows[-1].id, rows[0].id))
                                        .order_by(Decision.id)):
                decisions.setdefault(d.run_id, []).append(self._decision_info(d))
        infos = []
        for r in rows:
            seconds = None if r.build_seconds is None else (r.build_seconds or 0) + (r.solve_seconds or 0)
            version = ScenarioVersionInfo(id=r.version_id, content_hash=r.content_hash, name=r.scenario_name,
                                          author=r.scenario_author, created_at=_utc(r.created_at))
            infos.append(RunInfo(id=r.id, name=r.name, kind=r.kind, status=self._status(r), scenario=version,
                                 author=r.author, started_at=_utc(r.started_at), finished_at=_utc(r.finished_at),
                                 objective=r.objective, gap=r.gap, seconds=seconds, dwellings=r.dwellings,
                                 previous_run_id=r.previous_run_id, adopted=decisions.get(r.id, [])))
        return infos

    def runs(self, scenario_name: str | None = None, limit: int | None = None) -> list[RunInfo]:
        """Newest first."""
        where = [] if scenario_name is None else [ScenarioVersion.name == scenario_name]
        with self._reading() as connection:
            return self._run_infos(connection, where, limit or None)

    def run(self, run_id: int) -> RunRecord:
        if not 1 <= run_id <= LARGEST_ID:
            raise StoreError(f"store {self.shown_url}: no run {run_id}")
        with self._reading() as connection:
            infos = self._run_infos(connection, [Run.id == run_id])
            if not infos:
                raise StoreError(f"store {self.shown_url}: no run {run_id}")
            row = connection.execute(select(Run).where(Run.id == run_id)).one()
            cells = connection.execute(select(RunAllocation.group, RunAllocation.dwelling_type,
                                              RunAllocation.corporation, RunAllocation.district,
                                              RunAllocation.period, RunAllocation.dwellings)
                                       .where(RunAllocation.run_id == run_id)
                                       .order_by(RunAllocation.position)).all()
            tables = {t.name: pd.DataFrame(json.loads(t.content))
                      for t in connection.execute(select(RunTable).where(RunTable.run_id == run_id)).all()}
            record = RunRecord(info=infos[0], options=json.loads(row.options),
                               summary=json.loads(row.summary) if row.summary else None,
                               allocation=pd.DataFrame([tuple(c) for c in cells], columns=ALLOCATION_COLUMNS),
                               tables=tables, solver_log=row.solver_log or "", message=row.message or "",
                               host=row.host, pid=row.pid)
        return record

    def scenario(self, version_id: int) -> Scenario:
        with self._reading() as connection:
            content = connection.execute(select(ScenarioVersion.content)
                                         .where(ScenarioVersion.id == version_id)).scalar()
        if content is None:
            raise StoreError(f"store {self.shown_url}: no scenario version {version_id}")
        return Scenario.model_validate(json.loads(content))

    def scenario_versions(self) -> list[ScenarioVersionInfo]:
        with self._reading() as connection:
            rows = connection.execute(select(ScenarioVersion).order_by(ScenarioVersion.id)).all()
        return [self._version_info(r) for r in rows]

    def decisions(self, run_id: int | None = None) -> list[DecisionInfo]:
        statement = select(Decision).order_by(Decision.id)
        if run_id is not None:
            statement = statement.where(Decision.run_id == run_id)
        with self._reading() as connection:
            return [self._decision_info(d) for d in connection.execute(statement).all()]

    def counts(self) -> dict[str, int]:
        """Rows per table (for checks and `runs list --json`)."""
        with self._reading() as connection:
            return {table.__tablename__: connection.execute(select(func.count()).select_from(table)).scalar_one()
                    for table in (ScenarioVersion, Run, RunAllocation, RunTable, Decision)}


def _records_json(frame: pd.DataFrame) -> str:
    return frame.astype(object).where(frame.notna(), None).to_json(orient="records", date_format="iso")


def open_store(url: str | None = None) -> Store:
    return Store(url)


__all__ = ["Store", "StoreError", "RunInfo", "RunRecord", "DecisionInfo", "ScenarioVersionInfo", "open_store",
           "author_name", "content_hash"]
