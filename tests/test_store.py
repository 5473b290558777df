"""The scenario and run store (issue 6), each test against SQLite and against a real
PostgreSQL server (QUOTA_OPT_TEST_PG, an admin URL: scripts/pg-setup starts one on loopback;
without it the PostgreSQL cases are skipped, or fail when QUOTA_OPT_REQUIRE_PG=1, as in CI)."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command

from quota_opt.io import load_scenario
from quota_opt.pipeline import solve_scenario
from quota_opt.solve import SolveOptions
from quota_opt.store import Store, StoreError, content_hash
from quota_opt.store.engine import make_engine
from quota_opt.store.urls import database_url

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "amsterdam-2020.yaml"
WORKER = Path(__file__).with_name("store_worker.py")
CLI = [sys.executable, "-m", "quota_opt.cli"]


def postgres_admin_url() -> str | None:
    url = os.environ.get("QUOTA_OPT_TEST_PG")
    if url:
        return url
    if os.environ.get("QUOTA_OPT_REQUIRE_PG") == "1":
        pytest.fail("QUOTA_OPT_REQUIRE_PG=1 but QUOTA_OPT_TEST_PG is not set (scripts/pg-setup prints it)")
    pytest.skip("no PostgreSQL server: set QUOTA_OPT_TEST_PG (scripts/pg-setup starts one)")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """An empty store of each kind: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    admin_url = database_url(postgres_admin_url())
    name = f"quota_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        if os.environ.get("QUOTA_OPT_REQUIRE_PG") == "1":
            raise
        pytest.skip(f"PostgreSQL at {admin_url} unreachable: {error}")
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def demo_solution():
    return solve_scenario(load_scenario(DEMO), SolveOptions(mip_gap=0))


def sorted_allocation(frame: pd.DataFrame) -> pd.DataFrame:
    columns = ["group", "dwelling_type", "corporation", "district", "period", "dwellings"]
    frame = frame.loc[frame.dwellings > 0, columns].astype({"dwellings": int})
    return frame.sort_values(columns[:-1]).reset_index(drop=True)


# ------------------------------------------------------------------ versions, runs, decisions
def test_scenario_versions_are_immutable_and_deduplicated_by_content(store_url):
    scenario = load_scenario(DEMO)
    with Store(store_url) as store:
        first = store.save_scenario(scenario, author="ann")
        again = store.save_scenario(scenario, author="bob")
        changed = scenario.model_copy(update={"target_months": 4})
        other = store.save_scenario(changed, author="bob")
        assert again == first  # same content: the version ann saved first
        assert first.author == "ann" and first.content_hash == content_hash(scenario)
        assert other.id != first.id and other.author == "bob"
        assert store.scenario(first.id) == scenario
        assert store.scenario(other.id).target_months == 4
        assert [v.id for v in store.scenario_versions()] == [first.id, other.id]


def test_a_run_keeps_scenario_options_status_kpis_allocation_and_log(store_url, demo_solution):
    with Store(store_url) as store:
        what_changed = pd.DataFrame({"group": ["smu", "ompg"], "planned": [10, 2], "revised": [12, None]})
        run_id = store.save_solution(demo_solution, "demo plan", "solve", author="ann",
                                     tables={"What changed": what_changed})
        record = store.run(run_id)
    info = record.info
    assert (info.name, info.kind, info.status, info.author) == ("demo plan", "solve", "optimal", "ann")
    assert info.objective == pytest.approx(5246.0) and info.dwellings == 1800
    assert info.scenario.name == "Amsterdam PHKG 2020"
    assert info.started_at <= info.finished_at
    assert record.options == demo_solution.options.model_dump(mode="json")
    assert record.summary["objective"] == pytest.approx(5246.0)
    assert record.summary["total"]["housed_total"] == 1800
    assert record.solver_log == demo_solution.solver_log and "LP dive" in record.solver_log
    pd.testing.assert_frame_equal(sorted_allocation(record.allocation), sorted_allocation(demo_solution.allocation))
    pd.testing.assert_frame_equal(record.tables["What changed"], what_changed)


def test_runs_are_listed_newest_first_and_filtered_by_scenario(store_url, demo_solution):
    other = demo_solution.scenario.model_copy(update={"name": "Amersfoort"})
    with Store(store_url) as store:
        first = store.save_solution(demo_solution, "one", "solve")
        second = store.start_run(other, "two", "app", {"time_limit": 5})
        assert [r.id for r in store.runs()] == [second, first]
        assert [r.id for r in store.runs(scenario_name="Amersfoort")] == [second]
        assert store.runs(limit=1)[0].id == second
        assert store.run(second).info.status == "running"  # this process is alive: still running


def test_adopting_records_who_when_and_why(store_url, demo_solution):
    with Store(store_url) as store:
        run_id = store.save_solution(demo_solution, "plan", "solve")
        decision = store.adopt(run_id, "  stuurgroep 12 januari: vastgesteld  ", by="wethouder")
        assert (decision.run_id, decision.adopted_by, decision.note) == (run_id, "wethouder",
                                                                         "stuurgroep 12 januari: vastgesteld")
        assert store.run(run_id).info.adopted == [decision]
        assert store.decisions() == [decision]
        with pytest.raises(StoreError, match="a note is required"):
            store.adopt(run_id, "   ")
        with pytest.raises(StoreError, match="no run 999"):
            store.adopt(999, "note")
        unfinished = store.start_run(demo_solution.scenario, "busy", "solve", {})
        with pytest.raises(StoreError, match=f"run {unfinished} has no plan to adopt"):
            store.adopt(unfinished, "note")
        assert len(store.decisions()) == 1


def test_a_run_is_finished_once(store_url, demo_solution):
    with Store(store_url) as store:
        run_id = store.save_solution(demo_solution, "plan", "solve")
        with pytest.raises(StoreError, match=f"run {run_id} is not a running run"):
            store.finish_solution(run_id, demo_solution)
        assert store.counts()["run_allocations"] == len(sorted_allocation(demo_solution.allocation))


def test_tables_computed_later_are_added_never_replaced(store_url, demo_solution):
    with Store(store_url) as store:
        run_id = store.save_solution(demo_solution, "plan", "resolve", tables={"What changed": pd.DataFrame({"a": [1]})})
        marginal = pd.DataFrame({"subject": ["Studio"], "household_months_saved": [3.0]})
        store.add_tables(run_id, {"Marginal values": marginal})
        tables = store.run(run_id).tables
        assert sorted(tables) == ["Marginal values", "What changed"]
        pd.testing.assert_frame_equal(tables["Marginal values"], marginal)
        with pytest.raises(StoreError, match="already has table\\(s\\) What changed"):
            store.add_tables(run_id, {"What changed": pd.DataFrame({"a": [2]})})
        assert store.run(run_id).tables["What changed"].a.tolist() == [1]
        running = store.start_run(demo_solution.scenario, "busy", "solve", {})
        with pytest.raises(StoreError, match=f"run {running} is not a finished run"):
            store.add_tables(running, {"x": marginal})


# ------------------------------------------------------------------ migrations
def test_a_store_made_by_the_first_schema_is_migrated_not_rebuilt(store_url):
    """A store at revision 0001 with a run and a decision in it: opening it upgrades it to the
    newest revision and everything saved before is still there."""
    engine = make_engine(database_url(store_url))
    store_for_config = Store.__new__(Store)
    store_for_config.url, store_for_config.engine = database_url(store_url), engine
    with engine.begin() as connection:
        command.upgrade(store_for_config._alembic_config(connection), "0001")
    scenario = load_scenario(DEMO)
    with engine.begin() as connection:
        version = connection.execute(sa.text(
            "INSERT INTO scenario_versions (content_hash, name, author, created_at, content) "
            "VALUES (:hash, :name, 'ann', :now, :content) RETURNING id"),
            {"hash": content_hash(scenario), "name": scenario.name, "now": "2026-01-12 10:00:00",
             "content": json.dumps(scenario.model_dump(mode="json"), sort_keys=True)}).scalar_one()
        run = connection.execute(sa.text(
            "INSERT INTO runs (scenario_version_id, name, kind, status, options, author, host, pid, started_at, "
            "finished_at, objective, gap, build_seconds, solve_seconds, dwellings, summary, solver_log, message) "
            "VALUES (:version, 'january plan', 'solve', 'optimal', '{}', 'ann', 'old-host', 1, "
            "'2026-01-12 10:00:00', '2026-01-12 10:00:01', 5246.0, 0, 0.1, 0.2, 3, '{\"objective\": 5246.0}', "
            "'old log', '') RETURNING id"), {"version": version}).scalar_one()
        connection.execute(sa.text(
            "INSERT INTO run_allocations VALUES (:run, 'smu', 'studio', 'ymere', 'west', 'Q1', 3, 0)"), {"run": run})
        connection.execute(sa.text(
            "INSERT INTO decisions (run_id, adopted_by, adopted_at, note) "
            "VALUES (:run, 'wethouder', '2026-01-13 09:00:00', 'vastgesteld')"), {"run": run})
    engine.dispose()
    with Store(store_url) as store:
        assert store.revision() == store.head_revision() == "0002"
        record = store.run(run)
        assert (record.info.name, record.info.status, record.info.objective) == ("january plan", "optimal", 5246.0)
        assert record.info.previous_run_id is None and record.tables == {}
        assert record.allocation.to_dict("records") == [{"group": "smu", "dwelling_type": "studio",
                                                         "corporation": "ymere", "district": "west",
                                                         "period": "Q1", "dwellings": 3}]
        assert [d.note for d in record.info.adopted] == ["vastgesteld"]
        assert store.scenario(version) == scenario
        new = store.start_run(scenario, "after the upgrade", "solve", {}, previous_run_id=run)
        assert store.run(new).info.previous_run_id == run and store.run(new).info.scenario.id == version


def test_the_head_the_store_checks_without_alembic_is_the_newest_migration(store_url):
    from quota_opt.store.store import SCHEMA_HEAD

    with Store(store_url) as store:
        assert store.head_revision() == SCHEMA_HEAD == store.revision()


def test_the_migrations_build_exactly_the_tables_the_code_declares(store_url):
    """Alembic's autogenerate finds nothing to change between the migrated store and tables.py."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from quota_opt.store.tables import Base

    with Store(store_url) as store, store.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_store_from_a_newer_quota_opt_is_refused(store_url):
    with Store(store_url) as store:
        with store.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(StoreError, match="'0099' is newer than this quota-opt knows"):
        Store(store_url)


# ------------------------------------------------------------------ reliability
def worker(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WORKER), url, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)  # reaps it and closes its pipes


def check_consistent(url: str) -> dict[str, int]:
    """Every finished run holds its whole allocation (the worker's dwellings are 1..CELLS) and
    its report table; a run not finished holds nothing but its `running` row."""
    engine = make_engine(database_url(url))
    with engine.connect() as connection:
        runs = connection.execute(sa.text(
            "SELECT r.id, r.status, r.dwellings, r.summary, COALESCE(SUM(a.dwellings), 0) AS stored, "
            "COUNT(a.run_id) AS cells, (SELECT COUNT(*) FROM run_tables t WHERE t.run_id = r.id) AS tables "
            "FROM runs r LEFT JOIN run_allocations a ON a.run_id = r.id GROUP BY r.id, r.status, r.dwellings, "
            "r.summary")).all()
        versions = connection.execute(sa.text("SELECT COUNT(*) FROM scenario_versions")).scalar_one()
    engine.dispose()
    finished = 0
    for run in runs:
        if run.status == "running":
            assert (run.cells, run.tables, run.summary) == (0, 0, None), run
        else:
            assert run.status == "optimal"
            assert run.stored == run.dwellings == json.loads(run.summary)["dwellings_allocated"], run
            assert run.tables == 1, run
            finished += 1
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    return {"runs": len(runs), "finished": finished, "versions": versions}


def test_a_writer_killed_while_saving_leaves_the_store_consistent(store_url):
    """SIGKILL a process that saves runs of 3,000 cells back to back, at three moments after
    its first run is stored (each save takes about as long, so most kills land inside one);
    the store opens, every run is whole or not finished, and saving goes on."""
    Store(store_url).close()
    for delay in (0.0, 0.05, 0.17):
        process = worker(store_url, "forever", 3000)
        assert process.stdout.readline().strip() == "started", process.stderr.read()
        assert process.stdout.readline().strip().isdigit()  # one run stored whole
        time.sleep(delay)
        kill(process)
    with Store(store_url) as store:
        counts = check_consistent(store_url)
        assert counts["versions"] == 1 and counts["finished"] >= 3, counts
        unfinished = [r for r in store.runs() if r.status != "optimal"]
        assert all(r.status == "interrupted" for r in unfinished)  # their processes are gone
        after = worker(store_url, "save", 1, 10)
        _, err = after.communicate(timeout=60)
        assert after.returncode == 0, err
    assert check_consistent(store_url)["finished"] == counts["finished"] + 1
    print(f"killed 3 writers: {counts['runs'] - counts['finished']} run(s) left unfinished, "
          f"{counts['finished']} whole")


def test_listing_and_reading_do_not_wait_behind_a_writer(store_url, demo_solution):
    """Another process is in the middle of a long write: runs list and show answer at once,
    with what was committed before it; the write, once committed, is seen."""
    with Store(store_url) as store:
        run_id = store.save_solution(demo_solution, "before", "solve")
        engine = make_engine(database_url(store_url))
        writer = engine.connect()  # its own connection, writing: BEGIN IMMEDIATE on SQLite
        transaction = writer.begin()
        writer.execute(sa.text("UPDATE runs SET name = 'renamed' WHERE id = :id"), {"id": run_id})
        try:
            started = time.monotonic()
            assert [r.name for r in store.runs()] == ["before"]
            assert store.run(run_id).info.name == "before"
            assert time.monotonic() - started < 5  # a writer's lock would hold readers for 60 s
        finally:
            transaction.commit()
            writer.close()
            engine.dispose()
        assert store.run(run_id).info.name == "renamed"


def test_two_processes_saving_at_once_corrupt_nothing(store_url):
    """Two writers save 12 runs each of the same (new) scenario at the same time: one version,
    24 whole runs, no errors."""
    Store(store_url).close()  # created (and migrated) before; both writers then race on the data
    writers = [worker(store_url, "save", 12, 800) for _ in range(2)]
    outputs = [w.communicate(timeout=300) for w in writers]
    for writer, (out, err) in zip(writers, outputs):
        assert writer.returncode == 0, err
    ids = [int(line) for out, _ in outputs for line in out.split()[1:]]
    assert len(ids) == len(set(ids)) == 24
    assert check_consistent(store_url) == {"runs": 24, "finished": 24, "versions": 1}


def test_two_processes_opening_a_new_store_at_once_migrate_it_once(store_url):
    writers = [worker(store_url, "save", 2, 5) for _ in range(3)]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    with Store(store_url) as store:
        assert store.revision() == "0002"
    assert check_consistent(store_url) == {"runs": 6, "finished": 6, "versions": 1}


def test_a_solve_killed_half_way_shows_as_interrupted(store_url, tmp_path):
    """`quota-opt solve` on a neighbourhood-size scenario, killed while the solver works: the
    run is saved as running, shows as interrupted, and the store takes the next run."""
    scenario = tmp_path / "neighbourhood.json"
    generated = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "neighbourhood",
                                "--seed", "2"], capture_output=True, text=True, check=True)
    scenario.write_text(generated.stdout)
    process = subprocess.Popen([*CLI, "solve", str(scenario), "--out", str(tmp_path / "out"), "--db", store_url],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    deadline = time.monotonic() + 120
    with Store(store_url) as store:
        while not store.runs() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        time.sleep(0.5)
        kill(process)
        (run,) = store.runs()
        assert run.status == "interrupted" and run.finished_at is None
        assert not (tmp_path / "out" / "summary.json").exists()
        next_id = store.save_solution(solve_scenario(load_scenario(DEMO), SolveOptions()), "next", "solve")
        assert store.run(next_id).info.status == "optimal"


# ------------------------------------------------------------------ the command line
def cli(*args: str, db: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "QUOTA_OPT_DB": db, "QUOTA_OPT_AUTHOR": "analist"})


def test_runs_list_show_compare_and_adopt_on_the_command_line(store_url, tmp_path):
    first = cli("solve", str(DEMO), "--out", str(tmp_path / "plan"), "--run-name", "januari", db=store_url)
    assert first.returncode == 0, first.stderr
    assert "saved as run 1 in" in first.stdout
    summary = json.loads((tmp_path / "plan" / "summary.json").read_text())
    assert summary["run_id"] == 1
    resolved = cli("resolve", str(DEMO), "--realised", str(ROOT / "data" / "amsterdam-2020-realised-q2.csv"),
                   "--fixed-through", "Q2", "--previous", str(tmp_path / "plan"), "--no-explain",
                   "--out", str(tmp_path / "july"), db=store_url)
    assert resolved.returncode == 0, resolved.stderr

    listing = json.loads(cli("runs", "list", "--json", db=store_url).stdout)
    assert [(r["id"], r["name"], r["kind"], r["status"], r["author"]) for r in listing] == [
        (2, "july", "resolve", "optimal", "analist"), (1, "januari", "solve", "optimal", "analist")]
    assert listing[0]["previous_run_id"] == 1
    assert listing[1]["objective"] == pytest.approx(summary["objective"])

    adopted = cli("adopt", "2", "--note", "stuurgroep juli", "--by", "voorzitter", db=store_url)
    assert adopted.returncode == 0 and "run 2 adopted by voorzitter" in adopted.stdout
    table = cli("runs", "list", db=store_url).stdout
    assert "voorzitter" in table and "2 run(s) in" in table

    shown = json.loads(cli("runs", "show", "2", "--json", "--log", db=store_url).stdout)
    assert shown["decisions"][0]["note"] == "stuurgroep juli"
    assert shown["summary"]["total"]["housed_total"] == 1800 and "What changed" in shown["tables"]
    assert shown["solver_log"]
    export = tmp_path / "run2.csv"
    assert cli("runs", "show", "2", "--allocation", str(export), db=store_url).returncode == 0
    assert export.read_text() == (tmp_path / "july" / "allocation.csv").read_text()
    again = cli("runs", "show", "2", "--allocation", str(export), db=store_url)
    assert again.returncode == 2 and f"{export}: exists" in again.stderr

    compared = json.loads(cli("runs", "compare", "1", "2", "--json", db=store_url).stdout)
    plan = pd.read_csv(tmp_path / "plan" / "allocation.csv")
    july = pd.read_csv(tmp_path / "july" / "allocation.csv")
    keys = ["group", "dwelling_type", "corporation", "district", "period"]
    cells = plan.merge(july, on=keys, how="outer").fillna(0)
    assert compared["dwellings_moved"] == int(abs(cells.dwellings_x - cells.dwellings_y).sum() / 2)
    smu = next(g for g in compared["groups"] if g["group"] == "smu")
    assert smu["overdue_household_months change"] == pytest.approx(
        smu["overdue_household_months 2"] - smu["overdue_household_months 1"])


@pytest.mark.parametrize("args, words", [
    (("runs", "show", "7"), "no run 7"),
    (("runs", "compare", "1", "2"), "run 2 has no plan to compare (status infeasible)"),
    (("adopt", "2", "--note", "x"), "run 2 has no plan to adopt (status infeasible)"),
    (("adopt", "7", "--note", "x"), "no run 7"),
    (("adopt", "1", "--note", " "), "a note is required"),
])
def test_store_commands_on_bad_input_exit_2_and_say_why(args, words, tmp_path):
    db = str(tmp_path / "store.sqlite")
    assert cli("solve", str(DEMO), "--out", str(tmp_path / "plan"), "--quiet", db=db).returncode == 0
    infeasible = tmp_path / "infeasible.yaml"  # run 2: g must get 4 of 2 dwellings
    infeasible.write_text(
        "schema_version: 1\nname: infeasible\nperiods: [Q1]\ndwelling_types: [{id: a}]\nmain_groups: [m1]\n"
        "corporations: [c1]\ndistricts: [d1]\ngroups:\n  - {id: g, main_group: m1, eligible_types: [a], "
        "waiting_start: 5, inflow: [0], min_housed: 4}\nsupply:\n  - {corporation: c1, district: d1, "
        "dwelling_type: a, period: Q1, dwellings: 2}\n")
    assert cli("solve", str(infeasible), "--out", str(tmp_path / "none"), "--quiet", db=db).returncode == 3
    result = cli(*args, db=db)
    assert result.returncode == 2 and words in result.stderr, result.stderr


def test_a_store_that_cannot_be_opened_costs_a_warning_not_the_solve(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be")
    result = cli("solve", str(DEMO), "--out", str(tmp_path / "plan"), db=str(blocker / "store.sqlite"))
    assert result.returncode == 0
    assert "warning: the run is not saved in the store" in result.stderr
    assert json.loads((tmp_path / "plan" / "summary.json").read_text())["objective"] == pytest.approx(5246.0)


@pytest.mark.parametrize("url, words", [
    ("mysql://someone@somewhere/db", "'mysql' is not supported; use a SQLite file or a postgresql:// URL"),
    ("postgresql://nobody@127.0.0.1:1/x", "cannot open: (psycopg.OperationalError)"),
    ("://nothing", "not a database URL"),
])
def test_a_store_that_is_not_one_we_can_use_is_named_in_the_error(url, words):
    with pytest.raises(StoreError) as error:
        Store(url)
    assert words in str(error.value)


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("my notes, not a database")
    with pytest.raises(StoreError, match="file is not a database"):
        Store(str(path))
    assert path.read_text() == "my notes, not a database"


def test_no_store_saves_nothing(tmp_path):
    db = tmp_path / "store.sqlite"
    assert cli("solve", str(DEMO), "--out", str(tmp_path / "plan"), "--no-store", db=str(db)).returncode == 0
    assert not db.exists()


# ------------------------------------------------------------------ review: edge cases
LONG = "x" * 501


@pytest.mark.parametrize("field, call", [
    ("run name", lambda store, s: store.start_run(s, LONG, "solve", {})),
    ("author", lambda store, s: store.start_run(s, "r", "solve", {}, author="a" * 201)),
    ("scenario name", lambda store, s: store.start_run(s.model_copy(update={"name": LONG}), "r", "solve", {})),
    ("scenario name", lambda store, s: store.save_scenario(s.model_copy(update={"name": "nul\x00name"}))),
    ("group id", lambda store, s: store.start_run(s.model_copy(update={"groups": [
        s.groups[0].model_copy(update={"id": "g" * 201}), *s.groups[1:]]}), "r", "solve", {})),
])
def test_a_text_too_long_for_its_column_is_refused_by_name_on_every_backend(store_url, field, call):
    """PostgreSQL refuses a VARCHAR(500) value of 501 characters (and NUL); SQLite would keep
    it: both refuse it up front, with the field and its length, and store nothing."""
    with Store(store_url) as store:
        with pytest.raises(StoreError, match=field):
            call(store, load_scenario(DEMO))
        assert set(store.counts().values()) == {0}


def test_a_decision_or_table_name_too_long_is_refused_by_name(store_url, demo_solution):
    with Store(store_url) as store:
        run_id = store.save_solution(demo_solution, "plan", "solve")
        with pytest.raises(StoreError, match="adopted by .* 201 characters"):
            store.adopt(run_id, "stuurgroep", by="b" * 201)
        with pytest.raises(StoreError, match="table name"):
            store.add_tables(run_id, {"t" * 201: pd.DataFrame({"a": [1]})})
        assert store.decisions() == [] and store.run(run_id).tables == {}


@pytest.mark.parametrize("run_id", [0, -1, 2**31, 10**20])
def test_a_run_id_that_cannot_exist_is_no_run(store_url, run_id):
    """PostgreSQL's integer ids end at 2**31 - 1, SQLite's at 2**63 - 1: beyond is `no run N`."""
    with Store(store_url) as store:
        with pytest.raises(StoreError, match=f"no run {run_id}"):
            store.run(run_id)
        with pytest.raises(StoreError, match=f"no run {run_id}"):
            store.adopt(run_id, "stuurgroep")


def test_times_read_back_are_utc_whatever_the_server_timezone(store_url, demo_solution):
    url = store_url
    if url.startswith("postgresql"):
        url += "?options=-c%20timezone%3DEurope/Amsterdam"
    with Store(url) as store:
        run_id = store.save_solution(demo_solution, "plan", "solve")
        decision = store.adopt(run_id, "stuurgroep")
        info = store.run(run_id).info
    for moment in (info.started_at, info.finished_at, info.scenario.created_at, decision.adopted_at,
                   info.adopted[0].adopted_at):
        assert moment.utcoffset() == dt.timedelta(0) and moment.tzinfo == dt.timezone.utc


def test_a_run_name_too_long_costs_a_warning_naming_it_not_the_solve(store_url, tmp_path):
    result = cli("solve", str(DEMO), "--out", str(tmp_path / "plan"), "--quiet", "--run-name", LONG, db=store_url)
    assert result.returncode == 0, result.stderr
    assert "not saved in the store" in result.stderr and "run name" in result.stderr and "501" in result.stderr
    assert "run_id" not in json.loads((tmp_path / "plan" / "summary.json").read_text())


@pytest.mark.parametrize("where", ["start_run", "finish_run"])
def test_a_database_error_while_saving_costs_a_warning_not_the_solve(where, tmp_path, monkeypatch, capsys):
    """A lost connection or a lock held too long (SQLAlchemyError, not StoreError) while saving:
    the solve and its files stand, exit 0; a run already started is marked `error`."""
    from quota_opt import cli as cli_module

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(Store, where, broken)
    db = tmp_path / "store.sqlite"
    code = cli_module.main(["solve", str(DEMO), "--out", str(tmp_path / "plan"), "--quiet", "--db", str(db)])
    assert code == 0
    assert "warning: the run is not saved in the store" in capsys.readouterr().err
    assert json.loads((tmp_path / "plan" / "summary.json").read_text())["objective"] == pytest.approx(5246.0)
    monkeypatch.undo()
    with Store(str(db)) as store:
        assert [r.status for r in store.runs()] == ([] if where == "start_run" else ["error"])


def test_a_run_id_beyond_the_range_is_no_run_on_the_command_line(tmp_path):
    db = str(tmp_path / "store.sqlite")
    for args in (("runs", "show", str(10**20)), ("runs", "compare", "1", str(2**31)),
                 ("adopt", str(10**20), "--note", "x")):
        result = cli(*args, db=db)
        assert result.returncode == 2 and "no run" in result.stderr, result.stderr


def test_runs_show_writes_no_file_when_another_is_refused(tmp_path):
    db = str(tmp_path / "store.sqlite")
    assert cli("solve", str(DEMO), "--out", str(tmp_path / "plan"), "--quiet", db=db).returncode == 0
    existing = tmp_path / "scenario.yaml"
    existing.write_text("mine")
    result = cli("runs", "show", "1", "--allocation", str(tmp_path / "a.csv"), "--scenario-out", str(existing), db=db)
    assert result.returncode == 2 and f"{existing}: exists" in result.stderr
    assert not (tmp_path / "a.csv").exists() and existing.read_text() == "mine"
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = cli("runs", "show", "1", "--allocation", str(blocker / "a.csv"), db=db)
    assert result.returncode == 2 and str(blocker / "a.csv") in result.stderr, result.stderr


def test_a_run_compared_with_itself_moves_nothing(tmp_path):
    db = str(tmp_path / "store.sqlite")
    assert cli("solve", str(DEMO), "--out", str(tmp_path / "plan"), "--quiet", db=db).returncode == 0
    result = cli("runs", "compare", "1", "1", "--json", db=db)
    assert result.returncode == 0, result.stderr
    compared = json.loads(result.stdout)
    assert compared["dwellings_moved"] == 0
    assert all(g["housed_total change"] == 0 for g in compared["groups"])
    assert cli("runs", "compare", "1", "1", db=db).returncode == 0


def test_a_previous_plan_saved_in_another_store_is_not_linked(tmp_path):
    """resolve --previous DIR whose summary.json names run 1 of store A, saved in store B that
    has a run 1 of its own: B's run 1 is not what was revised."""
    store_a, store_b = str(tmp_path / "a.sqlite"), str(tmp_path / "b.sqlite")
    assert cli("solve", str(DEMO), "--out", str(tmp_path / "plan"), "--quiet", db=store_a).returncode == 0
    assert cli("solve", str(DEMO), "--out", str(tmp_path / "other"), "--quiet", db=store_b).returncode == 0
    resolved = cli("resolve", str(DEMO), "--realised", str(ROOT / "data" / "amsterdam-2020-realised-q2.csv"),
                   "--fixed-through", "Q2", "--previous", str(tmp_path / "plan"), "--no-explain", "--quiet",
                   "--out", str(tmp_path / "july"), db=store_b)
    assert resolved.returncode == 0, resolved.stderr
    with Store(store_b) as store:
        assert store.runs()[0].previous_run_id is None


def test_a_store_with_more_runs_than_a_query_takes_parameters_lists_them(store_url):
    """PostgreSQL takes at most 65,535 parameters in one query: 70,000 runs are listed all the
    same (their decisions with them), and --limit reads only the newest."""
    with Store(store_url) as store:
        first = store.start_run(load_scenario(DEMO), "r", "solve", {})
        series = ("generate_series(1, 70000)" if store.engine.dialect.name == "postgresql" else
                  "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 70000) SELECT i FROM n)")
        with store.engine.begin() as connection:
            connection.execute(sa.text(
                "INSERT INTO runs (scenario_version_id, name, kind, status, options, author, host, pid, started_at) "
                f"SELECT scenario_version_id, name, kind, 'optimal', options, author, host, pid, started_at "
                f"FROM runs, {series}"))
        store.adopt(first + 1, "stuurgroep")
        infos = store.runs()
        assert len(infos) == 70001 and infos[-1].id == first
        assert [d.note for d in infos[-2].adopted] == ["stuurgroep"]
        start = time.monotonic()
        assert [i.id for i in store.runs(limit=3)] == [first + 70000, first + 69999, first + 69998]
        assert time.monotonic() - start < 1


def test_runs_show_a_run_stored_without_times(tmp_path):
    """A run finished through the Python API with only an objective in its summary: shown
    without the seconds, not an unexpected error."""
    db = str(tmp_path / "store.sqlite")
    with Store(db) as store:
        run_id = store.start_run(load_scenario(DEMO), "api", "solve", {"time_limit": 1})
        store.finish_run(run_id, status="optimal", summary={"objective": 15.0},
                         allocation=pd.DataFrame(columns=["group", "dwelling_type", "corporation", "district",
                                                          "period", "dwellings"]))
    result = cli("runs", "show", str(run_id), db=db)
    assert result.returncode == 0, result.stderr
    assert "objective 15.00" in result.stdout


def test_a_decision_by_nobody_is_recorded_by_the_author(store_url, demo_solution, monkeypatch):
    monkeypatch.setenv("QUOTA_OPT_AUTHOR", "secretaris")
    with Store(store_url) as store:
        run_id = store.save_solution(demo_solution, "plan", "solve")
        assert store.adopt(run_id, "stuurgroep", by="   ").adopted_by == "secretaris"
        assert store.adopt(run_id, "stuurgroep", by=" voorzitter ").adopted_by == "voorzitter"
