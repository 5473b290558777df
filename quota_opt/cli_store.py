"""The store on the command line: every solve and re-solve is saved as a run (unless
--no-store), `quota-opt runs list|show|compare` reads them back, `quota-opt adopt` records
the steering group's decision."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

EXIT_OK, EXIT_UNEXPECTED, EXIT_INVALID = 0, 1, 2
PLAN_STATUSES = ("optimal", "time_limit")
KPI_FIELDS = ("housed_total", "overdue_household_months", "share_within_target", "queue_end")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more: {text!r}")
    return value


def add_store_options(sub: argparse.ArgumentParser) -> None:
    """--db and --no-store for solve and resolve."""
    sub.add_argument("--db", default=None, metavar="URL",
                     help="the store (default: QUOTA_OPT_DB, else a SQLite file in ~/.local/share/quota-opt)")
    sub.add_argument("--no-store", action="store_true", help="do not save this run in the store")
    sub.add_argument("--run-name", default=None, metavar="NAME", help="the run's name in the store "
                     "(default: the output folder's name)")


def add_store_commands(commands) -> None:
    runs = commands.add_parser("runs", help="the runs saved in the store: list, show, compare")
    which = runs.add_subparsers(dest="runs_command", required=True)
    listing = which.add_parser("list", help="the runs, newest first")
    listing.add_argument("--scenario", default=None, metavar="NAME", help="only runs of this scenario name")
    listing.add_argument("--limit", type=_count, default=50, metavar="N", help="at most N runs (default 50; 0: all)")
    show = which.add_parser("show", help="one run: scenario version, options, status, KPIs, decisions")
    show.add_argument("run", type=int)
    show.add_argument("--allocation", type=Path, default=None, metavar="FILE",
                      help="also write the run's allocation as CSV to FILE (never over an existing file)")
    show.add_argument("--scenario-out", type=Path, default=None, metavar="FILE",
                      help="also write the run's scenario version as YAML to FILE (never over an existing file)")
    show.add_argument("--log", action="store_true", help="print the solver log")
    compare = which.add_parser("compare", help="two runs side by side: KPIs per group and dwellings moved")
    compare.add_argument("run_a", type=int)
    compare.add_argument("run_b", type=int)
    for sub in (listing, show, compare):
        sub.add_argument("--db", default=None, metavar="URL", help="the store (default: QUOTA_OPT_DB)")
        sub.add_argument("--json", action="store_true", help="print JSON instead of tables")
    adopt = commands.add_parser("adopt", help="record that the steering group adopted a run's plan")
    adopt.add_argument("run", type=int)
    adopt.add_argument("--note", required=True, help="what was decided, in which meeting")
    adopt.add_argument("--by", default=None, help="who records the decision (default: QUOTA_OPT_AUTHOR or login)")
    adopt.add_argument("--db", default=None, metavar="URL", help="the store (default: QUOTA_OPT_DB)")


# ------------------------------------------------------------------ saving solves
def _store_errors() -> tuple:
    """What saving can raise besides StoreError: a lost connection, a lock held too long, a
    full disk. Each costs a warning, never the solve."""
    from sqlalchemy.exc import SQLAlchemyError

    from .store import StoreError

    return StoreError, SQLAlchemyError, OSError


class RunRecorder:
    """Saves one command-line solve: `running` before the solver starts, the outcome after.
    A store that cannot be reached costs a warning, never the solve."""

    def __init__(self, args, scenario, kind: str, options, previous_dir: Path | None = None):
        self.store, self.run_id = None, None
        if getattr(args, "no_store", False):
            return
        from .store import Store

        try:
            self.store = Store(args.db)
            name = args.run_name or args.out.resolve().name
            self.run_id = self.store.start_run(scenario, name, kind, options.model_dump(mode="json"),
                                               previous_run_id=_previous_run_id(previous_dir, self.store))
        except _store_errors() as error:
            self._warn(error)
            self.store = None

    @staticmethod
    def _warn(error) -> None:
        print(f"quota-opt: warning: the run is not saved in the store: {error}", file=sys.stderr)

    @property
    def summary_section(self) -> dict:
        if self.run_id is None:
            return {}
        return {"run_id": self.run_id, "store": self.store.shown_url}

    def finish(self, solution, tables: dict, sections: dict) -> None:
        if self.run_id is None:
            return
        from contextlib import suppress

        try:
            self.store.finish_solution(self.run_id, solution, tables, {**sections, **self.summary_section})
        except _store_errors() as error:
            self._warn(error)
            with suppress(*_store_errors()):  # not left `running`
                self.store.fail_run(self.run_id, f"not saved: {error}")

    def fail(self, error: BaseException) -> None:
        if self.run_id is None:
            return
        status = "interrupted" if isinstance(error, KeyboardInterrupt) else "error"
        try:
            self.store.fail_run(self.run_id, f"{type(error).__name__}: {error}", status)
        except _store_errors() as failure:
            self._warn(failure)


def _previous_run_id(previous_dir: Path | None, store) -> int | None:
    """The stored run behind --previous RUN_DIR, when its summary.json names one in this
    store (run 1 of another store is not run 1 of this one)."""
    if previous_dir is None or not previous_dir.is_dir():
        return None
    try:
        summary = json.loads((previous_dir / "summary.json").read_text())
        if summary.get("store") != store.shown_url:
            return None
        return int(summary.get("run_id"))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


# ------------------------------------------------------------------ reading runs
def cmd_runs(args) -> int:
    from .store import Store, StoreError

    try:
        store = Store(args.db)
        if args.runs_command == "list":
            return _list(store, args)
        if args.runs_command == "show":
            return _show(store, args)
        return _compare(store, args)
    except StoreError as error:
        print(f"quota-opt runs: {error}", file=sys.stderr)
        return EXIT_INVALID


def cmd_adopt(args) -> int:
    from .store import Store, StoreError

    try:
        store = Store(args.db)
        decision = store.adopt(args.run, args.note, args.by)
    except StoreError as error:
        print(f"quota-opt adopt: {error}", file=sys.stderr)
        return EXIT_INVALID
    print(f"run {decision.run_id} adopted by {decision.adopted_by} at {_when(decision.adopted_at)} "
          f"(decision {decision.id}): {decision.note}")
    return EXIT_OK


def _when(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def _info_dict(info) -> dict:
    return {"id": info.id, "name": info.name, "kind": info.kind, "status": info.status,
            "scenario": {"version": info.scenario.id, "name": info.scenario.name,
                         "content_hash": info.scenario.content_hash, "saved_by": info.scenario.author,
                         "saved_at": info.scenario.created_at.isoformat()},
            "author": info.author, "started_at": info.started_at.isoformat(),
            "finished_at": info.finished_at.isoformat() if info.finished_at else None,
            "objective": info.objective, "gap": info.gap, "seconds": info.seconds, "dwellings": info.dwellings,
            "previous_run_id": info.previous_run_id,
            "decisions": [{"id": d.id, "adopted_by": d.adopted_by, "adopted_at": d.adopted_at.isoformat(),
                           "note": d.note} for d in info.adopted]}


def _list(store, args) -> int:
    infos = store.runs(scenario_name=args.scenario, limit=args.limit or None)
    if args.json:
        print(json.dumps([_info_dict(i) for i in infos], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not infos:
        print(f"no runs in {store.shown_url}")
        return EXIT_OK
    frame = pd.DataFrame([{
        "run": i.id, "name": i.name, "scenario": f"{i.scenario.name} v{i.scenario.id}", "kind": i.kind,
        "status": i.status, "objective": "" if i.objective is None else f"{i.objective:,.2f}",
        "seconds": "" if i.seconds is None else f"{i.seconds:.2f}", "started": _when(i.started_at),
        "by": i.author, "adopted": "; ".join(f"{_when(d.adopted_at)} by {d.adopted_by}" for d in i.adopted),
    } for i in infos])
    print(frame.to_markdown(index=False))
    print(f"\n{len(infos)} run(s) in {store.shown_url}")
    return EXIT_OK


def _write_new(files: dict[Path, str]) -> None:
    """Never over a user's file; the whole file or none, and none when one is refused."""
    from .io import atomic_write

    from .store import StoreError

    for path in files:
        if path.exists():
            raise StoreError(f"{path}: exists; choose another file")
    for path, text in files.items():
        try:
            with atomic_write(path, overwrite=False) as handle:
                handle.write(text)
        except FileExistsError:  # appeared since the check above: still not ours to replace
            raise StoreError(f"{path}: exists; choose another file") from None
        except OSError as error:
            raise StoreError(f"{path}: cannot write: {error.strerror or error}") from error


def _show(store, args) -> int:
    record = store.run(args.run)
    info = record.info
    files = {}
    if args.allocation is not None:
        from .export import allocation_csv_text

        files[args.allocation] = allocation_csv_text(record.allocation)
    if args.scenario_out is not None:
        from .io import scenario_yaml

        files[args.scenario_out] = scenario_yaml(store.scenario(info.scenario.id))
    _write_new(files)
    if args.json:
        print(json.dumps({**_info_dict(info), "options": record.options, "message": record.message,
                          "summary": record.summary, "tables": sorted(record.tables),
                          **({"solver_log": record.solver_log} if args.log else {})}, indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"run {info.id}: {info.name} ({info.kind}), {info.status}")
    print(f"scenario: {info.scenario.name}, version {info.scenario.id} "
          f"(sha256 {info.scenario.content_hash[:12]}, saved by {info.scenario.author} at {_when(info.scenario.created_at)})")
    print(f"by {info.author} on {record.host}, started {_when(info.started_at)}, finished {_when(info.finished_at) or '-'}")
    options = ", ".join(f"{k}={v}" for k, v in sorted(record.options.items()))
    print(f"options: {options}")
    if info.previous_run_id is not None:
        print(f"revises run {info.previous_run_id}")
    if record.message:
        print(f"solver: {record.message}")
    if info.objective is not None:
        seconds = "" if info.seconds is None else f", {info.seconds:.2f} s"
        print(f"objective {info.objective:,.2f}, gap {info.gap or 0:.2g}, {info.dwellings} dwellings{seconds}")
    if record.summary and record.summary.get("groups"):
        groups = pd.DataFrame(record.summary["groups"])
        columns = [c for c in ("id", "main_group", *KPI_FIELDS) if c in groups.columns]
        print()
        print(groups[columns].to_markdown(index=False, floatfmt=".3g"))
    for decision in info.adopted:
        print(f"adopted {_when(decision.adopted_at)} by {decision.adopted_by}: {decision.note}")
    if args.log:
        print()
        print(record.solver_log)
    return EXIT_OK


def compare_runs(a, b) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """KPIs per group of two runs with their difference (b - a), dwellings per group of both,
    and the dwellings moved: half the sum of |b - a| over all cells of the allocation."""
    def kpis(record):
        groups = pd.DataFrame((record.summary or {}).get("groups") or [])
        if groups.empty:
            return pd.DataFrame(columns=["group", *KPI_FIELDS])
        return groups.rename(columns={"id": "group"})[["group", *KPI_FIELDS]]

    left, right = kpis(a), kpis(b)
    same = a.info.id == b.info.id  # a run with itself: one column per KPI, nothing changed
    table = left.rename(columns={k: f"{k} {a.info.id}" for k in KPI_FIELDS}) if same else \
        left.merge(right, on="group", how="outer", suffixes=(f" {a.info.id}", f" {b.info.id}"))
    for name in ("housed_total", "overdue_household_months"):
        table[f"{name} change"] = table[f"{name} {b.info.id}"].fillna(0) - table[f"{name} {a.info.id}"].fillna(0)
    keys = ["group", "dwelling_type", "corporation", "district", "period"]
    cells = a.allocation.merge(b.allocation, on=keys, how="outer", suffixes=("_a", "_b")).fillna(
        {"dwellings_a": 0, "dwellings_b": 0})
    moved = int(round(abs(cells.dwellings_b - cells.dwellings_a).sum() / 2))
    per_type = cells.groupby(["dwelling_type", "period"], as_index=False)[["dwellings_a", "dwellings_b"]].sum()
    if same:
        per_type = per_type.drop(columns="dwellings_b")
    per_type = per_type.rename(columns={"dwellings_a": f"dwellings {a.info.id}", "dwellings_b": f"dwellings {b.info.id}"})
    return table, per_type, moved


def _compare(store, args) -> int:
    from .store import StoreError

    a, b = store.run(args.run_a), store.run(args.run_b)
    for record in (a, b):
        if record.info.status not in PLAN_STATUSES:
            raise StoreError(f"run {record.info.id} has no plan to compare (status {record.info.status})")
    table, per_type, moved = compare_runs(a, b)
    if args.json:
        print(json.dumps({"runs": [_info_dict(a.info), _info_dict(b.info)], "dwellings_moved": moved,
                          "groups": table.astype(object).where(table.notna(), None).to_dict("records"),
                          "per_type_and_period": per_type.to_dict("records")}, indent=2, ensure_ascii=False, default=float))
        return EXIT_OK
    for record in (a, b):
        info = record.info
        objective = "-" if info.objective is None else f"{info.objective:,.2f}"
        print(f"run {info.id}: {info.name}, {info.scenario.name} v{info.scenario.id}, {info.status}, objective {objective}")
    same = a.info.scenario.id == b.info.scenario.id
    print(f"scenario: {'the same version' if same else 'different versions'}; "
          f"{moved} dwelling(s) moved between cells from run {a.info.id} to run {b.info.id}\n")
    print(table.to_markdown(index=False, floatfmt=".3g"))
    return EXIT_OK
