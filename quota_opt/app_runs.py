"""Runs for the app: a named plan (optimised, revised mid-year, today's rule of thumb, or the
agreed division) with the scenario it was made for, and the tables the results and compare
pages show.

No Streamlit here; the app keeps runs in the session."""

from __future__ import annotations

import enum
import json
import re
import tempfile
import uuid
from dataclasses import dataclass, field, replace
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .app_solve import SOLVER_LOCK
from .baseline import rule_of_thumb
from .compare import agreed_division, comparison_table
from .data import ModelData
from .export import allocation_csv_text, summary_dict, workbook_bytes, write_outputs
from .pipeline import PlanReport, Solution, judge
from .results import ALLOCATION_COLUMNS
from .schema import Scenario
from .solve import SolveOptions, Status

if TYPE_CHECKING:
    from .app_midyear import Revision
    from .explain import Explanation

KPI_FIELDS = ("housed_total", "share_within_target", "overdue_household_months", "queue_end")
"""The four KPI cards, in reading order."""
GROUP_KPIS = ("housed_total", "quota_deviation", "overdue_household_months",
              "share_within_target", "queue_end")


class RunKind(str, enum.Enum):
    OPTIMISED = "optimised"
    REVISED = "revised"
    """A mid-year re-solve: realised periods fixed, the rest re-optimised."""
    RULE_OF_THUMB = "rule_of_thumb"
    AGREED_DIVISION = "agreed_division"


@dataclass(frozen=True)
class Run:
    """One plan the user can look at, compare and take away."""

    name: str
    kind: RunKind
    scenario: Scenario
    plan: PlanReport | None
    """None when the solve found no plan (infeasible, or the time limit came first)."""
    solution: Solution | None = None
    """The solve behind an optimised or revised run (its status, bound, log, workbook)."""
    revision: Revision | None = None
    """A revised run's previous plan, what was realised and what changed (app_midyear)."""
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    stored_id: int | None = None
    """The run's id in the store (quota_opt.store) once saved or opened from there; None for
    plans the store does not keep (rule of thumb, agreed division) or a store that failed."""

    @property
    def status(self) -> str:
        """'optimal', 'time_limit', 'infeasible', ... for solves; 'plan' for the other kinds."""
        return self.solution.status.value if self.solution is not None else "plan"

    @property
    def objective(self) -> float | None:
        return self.plan.objective if self.plan is not None else None


def optimised_run(name: str, solution: Solution) -> Run:
    return Run(name=name, kind=RunKind.OPTIMISED, scenario=solution.scenario, plan=solution.plan,
               solution=solution)


def revised_run(name: str, solution: Solution, revision: Revision) -> Run:
    return Run(name=name, kind=RunKind.REVISED, scenario=solution.scenario, plan=solution.plan,
               solution=solution, revision=revision)


def with_explanation(run: Run, explanation: Explanation) -> Run:
    """The same run (same id) with the explanations of its plan kept in its revision."""
    return replace(run, revision=replace(run.revision, explanation=explanation))


def rule_of_thumb_run(name: str, scenario: Scenario, solution: Solution | None = None) -> Run:
    """Today's practice on `scenario`; reuses the judgement a solve of the same scenario made."""
    if solution is not None and solution.scenario == scenario:
        plan = solution.rule_of_thumb
    else:
        data = ModelData(scenario)
        plan = judge(data, rule_of_thumb(data))
    return Run(name=name, kind=RunKind.RULE_OF_THUMB, scenario=scenario, plan=plan)


def agreed_division_run(name: str, scenario: Scenario, options: SolveOptions) -> Run:
    """The steering group's agreed division (every group as close to its quota as the rules
    allow), judged by the scenario's own objective. Raises RuntimeError when no plan exists.
    It is a solve, so it waits for any other session's solve (see app_solve.SOLVER_LOCK)."""
    with SOLVER_LOCK:
        plan = agreed_division(scenario, options)
    return Run(name=name, kind=RunKind.AGREED_DIVISION, scenario=scenario, plan=plan)


def unique_name(wanted: str, taken: list[str]) -> str:
    """`wanted`, or `wanted (2)`, `wanted (3)`... whichever is free."""
    if wanted not in taken:
        return wanted
    k = 2
    while f"{wanted} ({k})" in taken:
        k += 1
    return f"{wanted} ({k})"


# ---------------------------------------------------------------------- labels


def labels(scenario: Scenario) -> dict[str, dict[str, str]]:
    """What a person reads for each id, per kind (the scenario's labels, else the ids)."""
    s = scenario
    return {
        "group": {g.id: g.name for g in s.groups},
        "main_group": {m.id: m.name for m in s.main_groups},
        "dwelling_type": {t.id: t.name for t in s.dwelling_types},
        "corporation": {c.id: c.name for c in s.corporations},
        "district": {d.id: d.name for d in s.districts},
        "period": {p: p for p in s.periods},
    }


def labelled(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """The frame with every id column replaced by its label."""
    names = labels(scenario)
    out = frame.copy()
    for column, mapping in names.items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, m=mapping: m.get(v, v))
    return out


# ----------------------------------------------------------------- results tables


def kpi_cards(plan: PlanReport) -> dict[str, dict]:
    """KPI_FIELDS for the whole programme ('total') and for each main group, by id."""
    cards = {"total": {k: plan.kpis.total[k] for k in KPI_FIELDS}}
    for record in plan.kpis.main_groups.to_dict("records"):
        cards[record["main_group"]] = {k: record[k] for k in KPI_FIELDS}
    return cards


def allocation_view(run: Run, filters: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """The run's allocation with labels, in scenario order, restricted to `filters`
    (column -> ids to keep; an empty list keeps everything)."""
    allocation = run.plan.allocation if run.plan is not None else pd.DataFrame(columns=ALLOCATION_COLUMNS)
    frame = allocation.copy()
    for column, keep in (filters or {}).items():
        if keep:
            frame = frame[frame[column].isin(keep)]
    s = run.scenario
    order = {"group": [g.id for g in s.groups], "dwelling_type": [t.id for t in s.dwelling_types],
             "corporation": [c.id for c in s.corporations], "district": [d.id for d in s.districts],
             "period": list(s.periods)}
    rank = {col: {v: i for i, v in enumerate(ids)} for col, ids in order.items()}
    frame = frame.sort_values(list(order), key=lambda col: col.map(rank[col.name]), kind="stable")
    return labelled(frame, s).reset_index(drop=True)


def housed_frame(run: Run) -> pd.DataFrame:
    """Per group and period: housed, queue, overdue (the plan's KPIs), with labels in
    `group_label` and `main_group_label`, plus a first row 'start' per group for the queue."""
    kpis = run.plan.kpis
    names = labels(run.scenario)
    start = pd.DataFrame([{"group": g.id, "main_group": g.main_group, "period": "start", "housed": 0,
                           "queue": g.waiting_start, "overdue": g.overdue_start}
                          for g in run.scenario.groups])
    frame = pd.concat([start, kpis.housed[["group", "main_group", "period", "housed", "queue", "overdue"]]],
                      ignore_index=True)
    frame["group_label"] = frame.group.map(names["group"])
    frame["main_group_label"] = frame.main_group.map(names["main_group"])
    return frame


# --------------------------------------------------------------------- comparing


def comparison(runs: list[Run]) -> pd.DataFrame:
    """compare.comparison_table over the runs that have a plan, with a main_group_label."""
    with_plan = [r for r in runs if r.plan is not None]
    if not with_plan:
        return pd.DataFrame()
    frame = comparison_table({r.name: r.plan for r in with_plan}, with_plan[0].scenario)
    main_names: dict[str, str] = {}
    for r in with_plan:
        main_names.update(labels(r.scenario)["main_group"])
    frame.insert(2, "main_group_label", frame.main_group.map(lambda m: main_names.get(m, m)))
    return frame


def group_kpi_table(runs: list[Run], kpi: str, reference: Run | None = None) -> pd.DataFrame:
    """One row per group (in the reference run's scenario order, then any others), one column
    per run with `kpi`, and a column 'Δ <run>' with the difference to the reference run."""
    with_plan = [r for r in runs if r.plan is not None]
    if not with_plan:
        return pd.DataFrame()
    reference = reference if reference in with_plan else with_plan[0]
    ordered = [reference, *[r for r in with_plan if r is not reference]]
    groups: dict[str, str] = {}
    for r in ordered:
        for g in r.scenario.groups:
            groups.setdefault(g.id, g.name)
    table = pd.DataFrame({"group": list(groups), "label": list(groups.values())})
    for r in ordered:
        values = r.plan.kpis.groups.set_index("group")[kpi]
        table[r.name] = table.group.map(values).astype("Float64")
    for r in ordered[1:]:
        table[f"Δ {r.name}"] = table[r.name] - table[reference.name]
    return table


# ----------------------------------------------------------------------- exports


def allocation_csv_bytes(run: Run) -> bytes:
    """allocation.csv of spec §5, in the command line's own format."""
    allocation = run.plan.allocation if run.plan is not None else pd.DataFrame(columns=ALLOCATION_COLUMNS)
    return allocation_csv_text(allocation).encode("utf-8")


def summary_json_bytes(run: Run) -> bytes:
    """summary.json of spec §5 (optimised and revised runs); a revised run's has the sections
    `quota-opt resolve` adds."""
    if run.revision is not None:
        return _resolve_outputs(run)["summary.json"]
    return (json.dumps(summary_dict(run.solution), indent=2, ensure_ascii=False) + "\n").encode()


def run_workbook_bytes(run: Run) -> bytes:
    """allocation.xlsx of spec §5 for an optimised or revised run that has a plan; a revised
    run's has the sheets `quota-opt resolve` adds (what changed, explanations)."""
    if run.revision is not None:
        return _resolve_outputs(run)["allocation.xlsx"]
    return workbook_bytes(run.solution)


def _resolve_outputs(run: Run) -> dict[str, bytes]:
    """The files `quota-opt resolve` writes for this re-solve, written by the same function."""
    tables, sections = run.revision.report()
    with tempfile.TemporaryDirectory() as folder:
        written = write_outputs(Path(folder), run.solution, tables, sections)
        return {path.name: path.read_bytes() for path in written}


def comparison_workbook_bytes(runs: list[Run]) -> bytes:
    """The compare page as a workbook: KPIs per plan and main group, then per group each KPI
    side by side, then each plan's allocation."""
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        comparison(runs).to_excel(writer, sheet_name="Comparison", index=False)
        for kpi in GROUP_KPIS:
            group_kpi_table(runs, kpi).to_excel(writer, sheet_name=kpi[:31], index=False)
        for k, run in enumerate(r for r in runs if r.plan is not None):
            sheet = f"{k + 1} {run.name}"[:31]
            for bad in "[]:*?/\\":
                sheet = sheet.replace(bad, "_")
            run.plan.allocation.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()


def has_workbook(run: Run) -> bool:
    return (run.kind in (RunKind.OPTIMISED, RunKind.REVISED) and run.solution is not None
            and run.solution.status.has_plan)


__all__ = ["Run", "RunKind", "Status"]


def file_part(name: str) -> str:
    """A run name as part of a file name."""

    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "run"
