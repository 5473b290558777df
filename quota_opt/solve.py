"""The only module that talks to HiGHS (through pyomo.contrib.solver's interface):
options, time limit, our own status enum, and an honest account of the run."""

from __future__ import annotations

import enum
import io
import math
import threading
import logging
import math
import time
from dataclasses import dataclass
from typing import Literal

import highspy
import numpy as np
import pyomo.environ as pyo
from pydantic import BaseModel, ConfigDict, Field
from pyomo.contrib.solver.common.results import TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

logger = logging.getLogger("quota_opt.solve")


class Status(str, enum.Enum):
    """How a solve ended. `optimal`: proven within the gap; `time_limit`: stopped by the
    limit with a plan (a success: the plan is returned); `no_solution`: stopped without a plan;
    `infeasible`: the hard rules conflict; `error`: anything else."""

    OPTIMAL = "optimal"
    TIME_LIMIT = "time_limit"
    NO_SOLUTION = "no_solution"
    INFEASIBLE = "infeasible"
    ERROR = "error"

    @property
    def has_plan(self) -> bool:
        return self in (Status.OPTIMAL, Status.TIME_LIMIT)


class SolveOptions(BaseModel):
    """What the command line and the app can set."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    time_limit: float | None = Field(default=300.0, gt=0)
    """Seconds HiGHS may spend; the best plan found by then is returned."""
    mip_gap: float = Field(default=1e-4, ge=0)
    """Relative gap at which a plan counts as optimal (HiGHS mip_rel_gap)."""
    threads: int | None = Field(default=None, ge=1)
    formulation: Literal["aggregated", "reference"] = "aggregated"
    """`aggregated` (fast, same optimum) or `reference` (one x per group, type, corporation,
    district and period, as spec §3 writes it)."""
    lp_dive: bool = True
    """Aggregated formulation only: round an LP solution into a MIP start first."""
    solver_options: dict[str, float | int | str | bool] = Field(default_factory=dict)
    """Escape hatch: any HiGHS option by name."""


@dataclass(frozen=True)
class SolverRun:
    status: Status
    objective: float | None
    """The solver's incumbent value (the caller recomputes it from the allocation)."""
    bound: float | None
    gap: float | None
    seconds: float
    log: str
    message: str


_TERMINATION = {
    TerminationCondition.convergenceCriteriaSatisfied: Status.OPTIMAL,
    TerminationCondition.maxTimeLimit: Status.TIME_LIMIT,
    TerminationCondition.iterationLimit: Status.TIME_LIMIT,
    TerminationCondition.interrupted: Status.TIME_LIMIT,
    TerminationCondition.provenInfeasible: Status.INFEASIBLE,
    TerminationCondition.infeasibleOrUnbounded: Status.INFEASIBLE,
    TerminationCondition.locallyInfeasible: Status.INFEASIBLE,
}


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """HiGHS's definition: |objective - bound| / |objective| (0 when both are 0)."""
    if objective is None or bound is None or math.isinf(bound):
        return None
    diff = abs(objective - bound)
    if diff <= 1e-9:
        return 0.0
    return diff / max(abs(objective), 1e-9)


@dataclass(frozen=True)
class DiveResult:
    values: dict[int, int] | None
    """column -> integer value for the dived columns; None when the dive failed"""
    rounds: int
    lp_objective: float | None


def _lp_dive(h: highspy.Highs, columns: list[int], deadline: float,
             preferred: dict[int, float] | None = None) -> DiveResult:
    """LP relaxation, then round the given (group-level) columns a batch at a time, re-solving
    the LP after each round (hot-started, so a round costs milliseconds): every column already
    integral is fixed, plus the least fractional quarter of the rest at their nearest integer.
    A round that makes the LP infeasible is undone and retried with one column, each way.
    A fractional column whose `preferred` value (the previous plan) is one of its two roundings
    is rounded to it, so a re-solve stays close to the adopted plan where that costs nothing.
    Integrality and bounds are restored afterwards; the model is left as it was given."""
    preferred = preferred or {}

    def rounded(j: int, v: float) -> int:
        if j in preferred and math.floor(v) <= preferred[j] <= math.ceil(v):
            return int(preferred[j])
        return int(round(v))

    n = h.getNumCol()
    lp = h.getLp()
    integrality = np.array([int(v) for v in lp.integrality_], dtype=np.uint8) if len(lp.integrality_) else None
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    everything = np.arange(n, dtype=np.int32)
    h.changeColsIntegrality(n, everything, np.zeros(n, dtype=np.uint8))
    rounds, lp_objective = 0, None
    try:
        if n > LARGE_MODEL_COLUMNS:  # interior point + crossover: several times faster here
            h.setOptionValue("solver", "ipm")
        _run_until(h, deadline)
        h.setOptionValue("solver", "choose")
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return DiveResult(None, 0, None)
        lp_objective = h.getInfo().objective_function_value
        fixed: dict[int, int] = {}
        while True:
            if time.perf_counter() > deadline:
                return DiveResult(None, rounds, lp_objective)
            value = np.array(h.getSolution().col_value)
            free = [j for j in columns if j not in fixed]
            if not free:
                return DiveResult(fixed, rounds, lp_objective)
            rounds += 1
            distance = {j: abs(value[j] - round(value[j])) for j in free}
            integral = [j for j in free if distance[j] < 1e-6]
            fractional = sorted((j for j in free if distance[j] >= 1e-6), key=lambda j: distance[j])
            batch = fractional[: max(1, len(fractional) // 4)] if fractional else []
            trial = {**{j: int(round(value[j])) for j in integral}, **{j: rounded(j, value[j]) for j in batch}}
            if _fix(h, trial, deadline):
                fixed.update(trial)
                continue
            # undo the batch, keep the integral ones, try the single best column both ways
            _unfix(h, batch, lower, upper)
            head = fractional[0]
            settled = False
            first = rounded(head, value[head])
            for rounding in (first, np.floor(value[head]) if first > value[head] else np.ceil(value[head])):
                attempt = {**{j: int(round(value[j])) for j in integral}, head: int(rounding)}
                if _fix(h, attempt, deadline):
                    fixed.update(attempt)
                    settled = True
                    break
                _unfix(h, [head], lower, upper)
            if not settled:
                return DiveResult(None, rounds, lp_objective)
    finally:
        h.setOptionValue("solver", "choose")
        h.setOptionValue("time_limit", float("inf"))
        h.changeColsBounds(n, everything, lower, upper)
        if integrality is not None:
            h.changeColsIntegrality(n, everything, integrality)


LARGE_MODEL_COLUMNS = 20_000


def _run_until(h: highspy.Highs, deadline: float) -> None:
    """One LP solve that stops at the dive's deadline (HiGHS's own time limit)."""
    h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
    h.run()


def _fix(h: highspy.Highs, values: dict[int, int], deadline: float) -> bool:
    if values:
        idx = np.fromiter(values, dtype=np.int32)
        v = np.array([values[j] for j in values], dtype=float)
        h.changeColsBounds(len(idx), idx, v, v)
    _run_until(h, deadline)
    return h.getModelStatus() == highspy.HighsModelStatus.kOptimal


def _unfix(h: highspy.Highs, columns: list[int], lower, upper) -> None:
    if columns:
        idx = np.array(columns, dtype=np.int32)
        h.changeColsBounds(len(idx), idx, lower[idx], upper[idx])


HIGHS_LOCK = threading.Lock()
"""One HiGHS run at a time per process: Pyomo's HiGHS interface redirects the process's
stdout/stderr file descriptors while it solves, so two concurrent solves (two app sessions)
would garble each other's logs and can crash."""


class _Watchdog:
    """HiGHS does not always honour its time limit inside the MIP root (HiGHS issues #885,
    #2226): past the limit plus a grace, the MIP callback interrupts it, and the best plan so
    far is kept like at a time limit."""

    def __init__(self, started: float, time_limit: float | None):
        self.deadline = None if time_limit is None else started + time_limit + max(1.0, 0.05 * time_limit)
        self.fired = False

    def __call__(self, event) -> None:
        if self.deadline is not None and time.perf_counter() > self.deadline:
            self.fired = True
            event.interrupt()


def run_highs(model: pyo.ConcreteModel, options: SolveOptions, log_stream=None,
              dive_vars: list | None = None, start: list | None = None) -> SolverRun:
    """Solve `model` with HiGHS (one solve at a time, see HIGHS_LOCK)."""
    with HIGHS_LOCK:
        return _run_highs(model, options, log_stream, dive_vars, start)


def _run_highs(model: pyo.ConcreteModel, options: SolveOptions, log_stream=None,
               dive_vars: list | None = None, start: list | None = None) -> SolverRun:
    """Solve `model` with HiGHS and load the best plan into it, if there is one.

    With `dive_vars` (the group-level integer columns of the aggregated model), an LP dive
    first rounds those columns and hands them to HiGHS as a partial MIP start, which HiGHS
    completes; on this model the LP bound is usually the optimum, so the start lets HiGHS
    prove optimality at the root. `start` ((variable, value) pairs, the previous plan) guides
    the dive's rounding, and is handed over itself when the dive finds nothing (or when there
    is no dive, in the reference formulation)."""
    solver = Highs()
    if not solver.available():
        raise RuntimeError("HiGHS (highspy) is not installed")
    log = io.StringIO()
    tee = [log] + ([log_stream] if log_stream is not None else [])
    solver_options = {"mip_rel_gap": options.mip_gap, "output_flag": True, **options.solver_options}
    started = time.perf_counter()
    solver.set_instance(model)
    h = solver._solver_model  # the highspy object behind Pyomo's persistent interface
    watchdog = _Watchdog(started, options.time_limit)
    h.cbMipInterrupt += watchdog
    if start or dive_vars:
        column = solver._pyomo_var_to_solver_var_map
        preferred = {column[id(v)]: float(value) for v, value in (start or []) if id(v) in column}
        values = None
        if dive_vars:
            h.setOptionValue("output_flag", False)
            columns = [column[id(v)] for v in dive_vars if id(v) in column]
            budget = (options.time_limit or 600.0) * 0.25
            dive = _lp_dive(h, columns, started + budget, preferred)
            h.setOptionValue("output_flag", True)
            values = dive.values
            log.write(f"quota-opt: LP dive {'found a start' if values else 'found no start'} in "
                      f"{dive.rounds} rounds, {time.perf_counter() - started:.2f} s, "
                      f"LP bound {dive.lp_objective}"
                      f"{', rounding towards the previous plan' if preferred else ''}\n")
        if not values and preferred:
            values = preferred
            log.write(f"quota-opt: MIP start from the previous plan ({len(preferred)} columns)\n")
        if values:
            idx = np.fromiter(values, dtype=np.int32)
            h.setSolution(len(idx), idx, np.array([values[j] for j in values], dtype=float))
    remaining = None
    if options.time_limit is not None:
        remaining = max(options.time_limit - (time.perf_counter() - started), 0.01)
    results = solver.solve(
        model,
        tee=tee,
        time_limit=remaining,
        threads=options.threads,
        load_solutions=False,
        raise_exception_on_nonoptimal_result=False,
        solver_options=solver_options,
    )
    seconds = time.perf_counter() - started
    h.cbMipInterrupt -= watchdog
    status = _TERMINATION.get(results.termination_condition, Status.ERROR)
    if watchdog.fired:
        status = Status.TIME_LIMIT
    has_plan = results.incumbent_objective is not None
    if status is Status.TIME_LIMIT and not has_plan:
        status = Status.NO_SOLUTION
    if status is Status.OPTIMAL and not has_plan:
        status = Status.ERROR
    if has_plan and status in (Status.OPTIMAL, Status.TIME_LIMIT):
        results.solution_loader.load_vars()
    objective = results.incumbent_objective if has_plan else None
    bound = results.objective_bound
    if bound is None and status is Status.OPTIMAL:
        bound = objective
    message = f"HiGHS: {results.termination_condition.name}"
    logger.info("%s in %.2f s, objective %s, bound %s", message, seconds, objective, bound)
    return SolverRun(status=status, objective=objective, bound=bound,
                     gap=relative_gap(objective, bound), seconds=seconds,
                     log=log.getvalue(), message=message)
