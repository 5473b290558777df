"""The app and the store (quota_opt.store): saving the app's solves and re-solves as runs, the
History page's table of stored runs, opening a stored run as a session run, comparing two
stored runs and checking a decision before it is recorded.

No Streamlit here: the page and app_state call these with the session's store and language."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from dataclasses import replace

import pandas as pd
from sqlalchemy.exc import SQLAlchemyError

from . import i18n
from .app_runs import Run, RunKind, labels, optimised_run, revised_run, unique_name
from .cli_store import compare_runs
from .schema import Scenario
from .solve import SolveOptions, Status
from .store import RunInfo, RunRecord, Store, StoreError

STORE_ERRORS = (StoreError, SQLAlchemyError, OSError)
"""What a store that cannot be reached, is locked too long or is full raises: the app warns
and keeps the run in the session."""

APP_KIND, RESOLVE_KIND = "app", "resolve"
"""The kinds the app saves: a solve of the Solve page, a re-solve of the Mid-year page (the
command line saves `solve` and `resolve`)."""

HAS_PLAN = (Status.OPTIMAL.value, Status.TIME_LIMIT.value)
KPI_FIELDS = ("housed_total", "share_within_target", "overdue_household_months", "queue_end")
COMPARED_KPIS = ("housed_total", "overdue_household_months", "share_within_target", "queue_end")
CHANGED_KPIS = ("housed_total", "overdue_household_months")
"""The KPIs whose change compare_runs reports (b - a)."""


# ------------------------------------------------------------------------- saving


def stored_kind(run: Run) -> str:
    return RESOLVE_KIND if run.kind is RunKind.REVISED else APP_KIND


def save_run(store: Store, run: Run, author: str, previous_run_id: int | None = None) -> int:
    """Save an optimised or revised session run (its scenario version, options, status, KPIs,
    allocation and solver log; a revised run also its What changed table and dwellings moved)
    and return its id in the store. When saving the outcome fails, the run is marked `error`
    rather than left `running` (the app's process lives on, so it would never turn
    `interrupted`); the error is raised for the page to warn about."""
    if run.solution is None:
        raise ValueError(f"run {run.name!r} is not a solve; only solves are saved")
    tables, sections = run.revision.report() if run.revision is not None else ({}, {})
    solution = run.solution
    run_id = store.start_run(solution.scenario, run.name, stored_kind(run), solution.options.model_dump(mode="json"),
                             author, previous_run_id)
    try:
        store.finish_solution(run_id, solution, tables, sections)
    except STORE_ERRORS as error:
        with suppress(*STORE_ERRORS):
            store.fail_run(run_id, f"not saved: {error}")
        raise
    return run_id


# ------------------------------------------------------------------------ the table


def when(moment: dt.datetime | None) -> str:
    """A stored (UTC) time in the server's local time, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment is not None else ""


def kind_text(kind: str, lang: str) -> str:
    key = f"history.kind.{kind}"
    return i18n.t(key, lang) if i18n.has(key) else kind


def status_text(status: str, lang: str) -> str:
    key = f"status.short.{status}"
    return i18n.t(key, lang) if i18n.has(key) else status


def scenario_names(infos: list[RunInfo]) -> list[str]:
    """The scenario names of the stored runs, sorted, each once."""
    return sorted({i.scenario.name for i in infos}, key=str.casefold)


def runs_table(infos: list[RunInfo], in_session: dict[int, str], lang: str) -> pd.DataFrame:
    """One row per stored run, newest first, with the page's column titles; `in_session` maps
    a stored id to the name of the session run it is (solved or opened in this session)."""
    def col(key: str) -> str:
        return i18n.t(f"history.col.{key}", lang)

    def adopted(info: RunInfo) -> str:
        return "; ".join(i18n.t("history.adopted_by", lang, when=when(d.adopted_at), by=d.adopted_by)
                         for d in info.adopted)

    return pd.DataFrame({
        col("id"): pd.Series([i.id for i in infos], dtype="int64"),
        col("name"): [i.name for i in infos],
        col("scenario"): [scenario_title(i, lang) for i in infos],
        col("kind"): [kind_text(i.kind, lang) for i in infos],
        col("status"): [status_text(i.status, lang) for i in infos],
        col("objective"): pd.Series([i.objective for i in infos], dtype="Float64"),
        col("started"): [when(i.started_at) for i in infos],
        col("by"): [i.author for i in infos],
        col("adopted"): [adopted(i) for i in infos],
        col("in_session"): [in_session.get(i.id, "") for i in infos],
    })


def scenario_title(info: RunInfo, lang: str) -> str:
    return i18n.t("history.scenario_version", lang, name=info.scenario.name, version=info.scenario.id)


def run_choice(info: RunInfo, lang: str) -> str:
    """How a stored run reads in a select box."""
    objective = "" if info.objective is None else \
        f" · {i18n.t('results.objective', lang)} {i18n.format_number(info.objective, lang, 2)}"
    mark = " ✔" if info.adopted else ""
    return f"#{info.id} {info.name} ({status_text(info.status, lang)}){objective}{mark}"


def kpi_card(record: RunRecord) -> dict | None:
    """The programme's four KPIs as stored in the run's summary (None without a plan)."""
    total = (record.summary or {}).get("total")
    if not total:
        return None
    return {k: total.get(k) for k in KPI_FIELDS}


def decisions_table(infos: list[RunInfo], lang: str) -> pd.DataFrame:
    """Every decision on the runs in `infos`, newest first."""
    rows = [(d, i) for i in infos for d in i.adopted]
    rows.sort(key=lambda pair: pair[0].id, reverse=True)

    def col(key: str) -> str:
        return i18n.t(f"history.col.{key}", lang)

    return pd.DataFrame({
        col("decision"): pd.Series([d.id for d, _ in rows], dtype="int64"),
        col("id"): pd.Series([i.id for _, i in rows], dtype="int64"),
        col("name"): [i.name for _, i in rows],
        col("adopted_at"): [when(d.adopted_at) for d, _ in rows],
        col("adopted_by"): [d.adopted_by for d, _ in rows],
        col("note"): [d.note for d, _ in rows],
    })


# -------------------------------------------------------------------------- opening


def solution_from_record(record: RunRecord, scenario: Scenario):
    """The Solution of a stored run: its plan and today's rule of thumb judged afresh on its
    scenario version (the KPIs and objective come from the formulation, as after a solve),
    status, gap, times, options and log as stored. Raises StoreError for a run without a plan."""
    from .baseline import rule_of_thumb  # noqa: PLC0415 - builds models; only when a run is opened
    from .data import ModelData
    from .pipeline import Solution, judge
    from .results import allocation_dict

    info = record.info
    if info.status not in HAS_PLAN:
        raise StoreError(f"run {info.id} has no plan to open (status {info.status})")
    summary = record.summary or {}
    data = ModelData(scenario)
    plan = judge(data, allocation_dict(record.allocation))
    options = SolveOptions.model_validate(record.options)
    return Solution(scenario=scenario, status=Status(info.status), objective=plan.objective,
                    bound=summary.get("bound"), gap=info.gap, build_seconds=float(summary.get("build_seconds") or 0),
                    solve_seconds=float(summary.get("solve_seconds") or 0), options=options, plan=plan,
                    rule_of_thumb=judge(data, rule_of_thumb(data)), solver_log=record.solver_log,
                    message=record.message)


def open_run(store: Store, run_id: int, taken_names: list[str], lang: str) -> Run:
    """A stored run as a session run (stored_id set), named '#id name': an app or command-line
    solve as an optimised run, a re-solve as a revised run whose what-changed is worked out
    again from its scenario (which holds its previous plan and what was realised), with the
    KPIs of the plan it revised when that run is in the store too."""
    from .app_midyear import judge_rows, plan_rows, revision  # noqa: PLC0415 - see solution_from_record

    record = store.run(run_id)
    scenario = store.scenario(record.info.scenario.id)
    solution = solution_from_record(record, scenario)
    name = unique_name(f"#{record.info.id} {record.info.name}", taken_names)
    if record.info.kind != RESOLVE_KIND:
        return replace(optimised_run(name, solution), stored_id=record.info.id)
    previous, previous_name = None, i18n.t("history.previous_unknown", lang)
    if record.info.previous_run_id is not None:
        with suppress(StoreError):
            before = store.run(record.info.previous_run_id)
            previous_name = f"#{before.info.id} {before.info.name}"
            if before.info.status in HAS_PLAN:
                previous = judge_rows(store.scenario(before.info.scenario.id), plan_rows(before.allocation))

    realised = i18n.t("history.realised_source", lang, id=record.info.id)
    return replace(revised_run(name, solution, revision(solution, previous_name, previous, realised)),
                   stored_id=record.info.id)


# ------------------------------------------------------------------------ comparing


def comparison(a: RunRecord, b: RunRecord, scenario_a: Scenario, scenario_b: Scenario,
               lang: str) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """compare_runs (the same numbers as `quota-opt runs compare`) as the page shows them: per
    group (labelled, in scenario order) each KPI of run a and run b side by side and the change
    of housed and overdue (b - a); dwellings per dwelling type and period of both with the
    change; and the dwellings moved."""
    table, per_type, moved = compare_runs(a, b)
    ia, ib = a.info.id, b.info.id
    names = {**labels(scenario_a)["group"], **labels(scenario_b)["group"]}
    order = {g: k for k, g in enumerate(dict.fromkeys([g.id for g in scenario_b.groups] +
                                                      [g.id for g in scenario_a.groups]))}
    table = table.sort_values("group", key=lambda c: c.map(lambda g: order.get(g, len(order))), kind="stable")
    out = pd.DataFrame({i18n.t("col.group", lang): table.group.map(lambda g: names.get(g, g)).values})
    for kpi in COMPARED_KPIS:
        title = i18n.t(f"col.{kpi}", lang)
        scale = 100 if kpi == "share_within_target" else 1  # shares as percentages
        for run_id in (ia, ib):
            out[f"{title} #{run_id}"] = (table[f"{kpi} {run_id}"].astype("Float64") * scale).round(1).values
        if kpi in CHANGED_KPIS:
            out[f"Δ {title}"] = table[f"{kpi} change"].astype("Float64").values
    types = {**labels(scenario_a)["dwelling_type"], **labels(scenario_b)["dwelling_type"]}
    periods = list(dict.fromkeys([*scenario_b.periods, *scenario_a.periods]))
    per_type = per_type.sort_values(["dwelling_type", "period"], kind="stable",
                                    key=lambda c: c.map(periods.index) if c.name == "period" else c)
    dwellings = i18n.t("col.dwellings", lang)
    per_type_view = pd.DataFrame({
        i18n.t("col.dwelling_type", lang): per_type.dwelling_type.map(lambda t: types.get(t, t)).values,
        i18n.t("col.period", lang): per_type.period.values,
        f"{dwellings} #{ia}": per_type[f"dwellings {ia}"].astype("int64").values,
        f"{dwellings} #{ib}": per_type[f"dwellings {ib}"].astype("int64").values,
    })
    per_type_view[f"Δ {dwellings}"] = per_type_view[f"{dwellings} #{ib}"] - per_type_view[f"{dwellings} #{ia}"]
    return out, per_type_view, moved


# ------------------------------------------------------------------------- adopting


def adopt_problem(note: str, by: str) -> str | None:
    """The i18n key of what keeps a decision from being recorded, or None."""
    if not (by or "").strip():
        return "history.adopt_need_name"
    if not (note or "").strip():
        return "history.adopt_need_note"
    return None


def adoptable(infos: list[RunInfo]) -> list[RunInfo]:
    """The runs with a plan the steering group can adopt."""
    return [i for i in infos if i.status in HAS_PLAN]
