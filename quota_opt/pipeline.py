"""Scenario in, Solution out: build the model, solve it, read the plan back, judge it and the
rule of thumb with the same formulation, and diagnose when the rules conflict."""

from __future__ import annotations

import gc
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import pandas as pd
import pyomo.environ as pyo

from .baseline import rule_of_thumb
from .data import ALL_GROUPS, AllocationKey, ModelData
from .diagnose import DIAGNOSIS_COLUMNS, diagnose
from .formulation import build_model, disaggregate
from .formulation.evaluate import Evaluation, evaluate
from .results import Kpis, allocation_frame, compute_kpis
from .schema import Scenario
from .solve import SolveOptions, Status, relative_gap, run_highs


logger = logging.getLogger("quota_opt.pipeline")


class FractionalSolution(RuntimeError):
    """The solver returned a non-integral x; never round silently."""


@dataclass(frozen=True)
class PlanReport:
    """An allocation judged by the formulation: KPIs, objective and the rules it breaks."""

    allocation: pd.DataFrame
    evaluation: Evaluation
    kpis: Kpis

    @property
    def objective(self) -> float:
        return self.evaluation.objective

    @property
    def violations(self) -> pd.DataFrame:
        return self.evaluation.violations


@dataclass(frozen=True)
class Solution:
    scenario: Scenario
    status: Status
    objective: float | None
    """The spec's objective recomputed from the returned allocation."""
    bound: float | None
    gap: float | None
    build_seconds: float
    solve_seconds: float
    options: SolveOptions
    plan: PlanReport | None
    rule_of_thumb: PlanReport
    diagnosis: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=DIAGNOSIS_COLUMNS))
    solver_log: str = ""
    message: str = ""
    alternatives: dict[str, PlanReport] = field(default_factory=dict)
    """Other plans of the same scenario, reported beside this one: with the fair objective,
    the plan of the weighted objective ('weighted')."""

    @property
    def seconds(self) -> float:
        return self.build_seconds + self.solve_seconds

    @property
    def allocation(self) -> pd.DataFrame:
        return self.plan.allocation if self.plan else allocation_frame({})

    @property
    def kpis(self) -> Kpis | None:
        return self.plan.kpis if self.plan else None


def read_allocation(m: pyo.ConcreteModel) -> dict[AllocationKey, int]:
    """x from the solved model, as integers; a value more than 1e-6 from an integer is an error."""
    out = {}
    for key, var in m.allocated.items():
        value = var.value or 0.0
        whole = round(value)
        if abs(value - whole) > 1e-6:
            raise FractionalSolution(f"allocated{key} = {value} is not a whole number")
        if whole:
            out[key] = int(whole)
    return out


def judge(data: ModelData, allocation: dict[AllocationKey, int], model: pyo.ConcreteModel | None = None) -> PlanReport:
    """KPIs, objective and broken rules of any allocation, by the formulation's own rows."""
    model = model if model is not None else build_model(data)
    evaluation = evaluate(model, data, allocation)
    return PlanReport(allocation=allocation_frame(allocation), evaluation=evaluation,
                      kpis=compute_kpis(data, evaluation))


def _passes_gate(plan: PlanReport, run) -> bool:
    """Every plan of the aggregated model is judged by the reference rows: it must break none
    and be worth no more than the solver says (O may be slack in a heuristic incumbent)."""
    tolerance = 1e-6 * max(1.0, abs(run.objective))
    return plan.violations.empty and plan.objective <= run.objective + tolerance


def previous_plan_start(m: pyo.ConcreteModel, data: ModelData) -> list | None:
    """The previous plan as a partial MIP start: the group-level columns (z in the aggregated
    model, x in the reference one) of the periods still to plan, and the batch binaries."""
    if not data.previous:
        return None
    if m.formulation == "aggregated":
        totals: dict[tuple, int] = {}
        for (g, t, c, d, p), n in data.previous.items():
            totals[g, t, p] = totals.get((g, t, p), 0) + n
        start = [(m.z[k], totals.get(k, 0)) for k in m.z_index]
    else:
        start = [(m.allocated[k], data.previous.get(k, 0)) for k in data.free_keys]
    from_corporation: dict[tuple, int] = {}
    for (g, t, c, d, p), n in {**data.previous, **data.realised}.items():
        from_corporation[g, c] = from_corporation.get((g, c), 0) + n
    start += [(var, 1 if from_corporation.get(key, 0) > 0 else 0) for key, var in m.uses_corporation.items()]
    # the previous plan's spreading totals A and placements a (realised part included), so
    # the dive rounds them towards the adopted plan too
    frozen = set(data.fixed_periods) | set(data.committed_periods)
    adopted = dict(data.realised)
    for key, n in data.previous.items():
        if key[4] not in frozen:
            adopted[key] = adopted.get(key, 0) + n
    placed: dict[tuple, int] = {}
    for (g, t, c, d, p), n in adopted.items():
        for mg in (data.main_group_of[g], ALL_GROUPS):
            placed[mg, "corporation", c] = placed.get((mg, "corporation", c), 0) + n
            placed[mg, "district", d] = placed.get((mg, "district", d), 0) + n
            placed[mg] = placed.get(mg, 0) + n
    start += [(var, placed.get(key, 0)) for key, var in m.placements.items()]
    start += [(var, placed.get(key, 0)) for key, var in m.main_group_total.items()]
    return start


def _fair_two_stages(m, options: SolveOptions, log_stream, dive: dict, start):
    """Stage 1: the smallest largest overdue share; stage 2: the weighted objective with the
    share held there. Seconds add up; the status and bound are stage 2's."""
    first = run_highs(m, options, log_stream=log_stream, start=start, **dive)
    if not first.status.has_plan:
        return first
    share = pyo.value(m.largest_overdue_share)
    m.largest_overdue_share.setub(min(1.0, share + 1e-7))
    m.fairness_objective.deactivate()
    m.objective.activate()
    remaining = None if options.time_limit is None else max(options.time_limit - first.seconds, 1.0)
    second = run_highs(m, options.model_copy(update={"time_limit": remaining}), log_stream=log_stream,
                       start=start, **dive)
    return replace(second, seconds=first.seconds + second.seconds, log=first.log + second.log,
                   message=f"{second.message} (fair: largest overdue share {share:.4f})")


@contextmanager
def no_gc_pauses():
    """Pyomo's models and the hand-off to HiGHS create a few hundred thousand objects, enough to
    set off full collections of Python's cyclic garbage collector, each 0.05-0.1 s at city size
    (a fifth of a mid-year re-solve). Reference counting still frees all non-cyclic garbage;
    the collector runs again afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def solve_scenario(scenario: Scenario, options: SolveOptions | None = None, log_stream=None) -> Solution:
    """Optimise a validated scenario (spec §3) and report on it (spec §4)."""
    with no_gc_pauses():
        return _solve_scenario(scenario, options or SolveOptions(), log_stream)


def _solve_scenario(scenario: Scenario, options: SolveOptions, log_stream) -> Solution:
    started = time.perf_counter()
    data = ModelData(scenario)
    model = build_model(data, formulation=options.formulation)
    build_seconds = time.perf_counter() - started
    dive = {}
    if options.formulation == "aggregated" and options.lp_dive:
        # the group-level columns; then the main groups' totals, which they decide (with
        # the totals fixed, the spreading rows give the placements integer bounds); then
        # the placements per corporation and district; then the class columns u
        dive = dict(dive_vars=[*model.z.values(), *model.uses_corporation.values()],
                    dive_implied=[*model.main_group_total.values()],
                    dive_later=[[*model.placements.values()]])
    start = previous_plan_start(model, data)
    if hasattr(model, "fairness_objective"):
        run = _fair_two_stages(model, options, log_stream, dive, start)
    else:
        run = run_highs(model, options, log_stream=log_stream, start=start, **dive)
    # one reference model judges the rule of thumb and then the aggregated plan (judging
    # loads an allocation into it); a solved reference model keeps its solution to be read
    judging = build_model(data) if options.formulation == "aggregated" else None
    baseline = judge(data, rule_of_thumb(data), judging)
    common = dict(scenario=scenario, build_seconds=build_seconds, solve_seconds=run.seconds,
                  options=options, rule_of_thumb=baseline, solver_log=run.log)
    if run.status.has_plan:
        if options.formulation == "aggregated":
            plan = judge(data, disaggregate(model, data), judging)
            if not _passes_gate(plan, run):
                logger.error("aggregated plan failed the reference check (%d broken rows, objective "
                             "%s vs %s); solving the reference formulation instead",
                             len(plan.violations), plan.objective, run.objective)
                return _solve_scenario(scenario, options.model_copy(update={"formulation": "reference"}),
                                       log_stream)
        else:
            plan = judge(data, read_allocation(model), model)
        bound = run.bound
        if bound is not None and bound > plan.objective:  # float noise of a proven optimum
            bound = min(bound, plan.objective) if bound - plan.objective < 1e-6 else bound
        alternatives = {}
        if scenario.rules.objective == "fair":
            weighted = scenario.model_copy(update={"rules": scenario.rules.model_copy(update={"objective": "weighted"})})
            other = _solve_scenario(weighted, options, None)
            if other.plan is not None:
                alternatives["weighted"] = other.plan
        return Solution(status=run.status, objective=plan.objective, bound=bound,
                        gap=relative_gap(plan.objective, bound), plan=plan,
                        message=run.message, alternatives=alternatives, **common)
    if run.status is Status.INFEASIBLE:
        remaining = None
        if options.time_limit is not None:
            remaining = max(options.time_limit - run.seconds, 10.0)
        diagnosis, _ = diagnose(data, options.model_copy(update={"time_limit": remaining}))
        return Solution(status=run.status, objective=None, bound=None, gap=None, plan=None,
                        diagnosis=diagnosis, message=run.message, **common)
    return Solution(status=run.status, objective=None, bound=run.bound, gap=None, plan=None,
                    message=run.message, **common)
