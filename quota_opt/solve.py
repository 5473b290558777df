"""The only module that talks to HiGHS (through pyomo.contrib.solver's interface):
options, time limit, our own status enum, and an honest account of the run."""

from __future__ import annotations

import enum
import io
import math
import threading
import logging
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
    """column -> integer value for the dived group-level columns; None when the dive failed"""
    rounds: int
    lp_objective: float | None
    """the LP relaxation's optimum: a valid lower bound of the MIP"""
    solution: np.ndarray | None = None
    """every column's value when the dive (or the restricted MIP after it) found a whole plan:
    a feasible plan of the MIP (None otherwise)"""
    objective: float | None = None
    """the value of `solution`"""
    completed: bool = False
    """whether the MIP restricted to the group-level fixings (step 3 of `_lp_dive`) was run"""


def _lp_dive(h: highspy.Highs, columns: list[int], deadline: float,
             preferred: dict[int, float] | None = None, implied: list[int] | None = None,
             later: list[list[int]] | None = None, abs_gap: float = 1e-6) -> DiveResult:
    """LP relaxation, then round the given (group-level) columns a batch at a time, re-solving
    the LP after each round (hot-started, so a round costs milliseconds): every column already
    integral is fixed, plus the least fractional quarter of the rest at their nearest integer.
    A round that makes the LP infeasible is undone and retried with one column, each way.
    A fractional column whose `preferred` value (the previous plan) is one of its two roundings
    is rounded to it, so a re-solve stays close to the adopted plan where that costs nothing.

    Then the rest of the plan, so that HiGHS need not complete a partial start with its own
    sub-MIP (0.1-0.3 s at city size, most of a re-solve):
    1. the `implied` columns (a main group's total A, which the group-level columns decide)
       are fixed, and every bound this implies on an integer column is rounded inwards
       (`_round_implied_bounds`);
    2. the `later` phases (the placements a) and then all other integer columns (u) are
       dived in turn, all fractional columns at once while that costs nothing;
    3. if that dead-ends, or the plan is worth more than the LP bound, the MIP restricted to
       the fixings of step 1 is solved from the dived plan (at city size 0.02-0.07 s).
    The result carries the whole plan if one was found, and always the group-level columns
    (a partial start) when their phase succeeded. Integrality and bounds are restored
    afterwards; the model is left as it was given."""
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
    try:
        if h.getNumRow() > LARGE_MODEL_ROWS:  # interior point + crossover: faster from here on
            h.setOptionValue("solver", "ipm")
        _run_until(h, deadline)
        h.setOptionValue("solver", "choose")
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return DiveResult(None, 0, None)
        lp_objective = h.getInfo().objective_function_value
        fixed: dict[int, int] = {}
        rounds = _dive_phase(h, columns, fixed, deadline, rounded, lower, upper)
        if rounds is None:
            return DiveResult(None, 0, lp_objective)
        group_level = dict(fixed)
        if integrality is None:
            return DiveResult(group_level, rounds, lp_objective)
        partial = DiveResult(group_level, rounds, lp_objective)
        settled = _dive_phase(h, implied or [], fixed, deadline, rounded, lower, upper, greedy=True)
        if settled is None or not _round_implied_bounds(h, integrality, deadline):
            return partial
        current = h.getLp()
        settled_lower, settled_upper = np.array(current.col_lower_), np.array(current.col_upper_)
        whole = integrality.astype(bool)
        solution, objective = None, None
        for phase in [*(later or []), np.flatnonzero(whole).tolist()]:
            done = _dive_phase(h, phase, fixed, deadline, rounded, lower, upper, greedy=True)
            if done is None or not _round_implied_bounds(h, integrality, deadline):
                break
            rounds += done
        else:
            values = np.array(h.getSolution().col_value)
            if np.abs(values[whole] - np.round(values[whole])).max(initial=0.0) <= 1e-6:
                values[whole] = np.round(values[whole])
                solution, objective = values, h.getInfo().objective_function_value
        completed = solution is None or objective - lp_objective > abs_gap
        if completed:
            h.changeColsBounds(n, everything, settled_lower, settled_upper)
            h.changeColsIntegrality(n, everything, integrality)
            if solution is not None:
                h.setSolution(n, everything, solution)
            h.setOptionValue("mip_rel_gap", 0.0)
            _run_until(h, deadline)
            info = h.getInfo()
            if info.primal_solution_status == 2 and (objective is None or info.objective_function_value < objective):
                values = np.array(h.getSolution().col_value)
                values[whole] = np.round(values[whole])
                solution, objective = values, info.objective_function_value
        if solution is None:
            return partial
        return DiveResult(group_level, rounds, lp_objective, solution, objective, completed)
    finally:
        h.setOptionValue("solver", "choose")
        h.setOptionValue("time_limit", float("inf"))
        h.changeColsBounds(n, everything, lower, upper)
        if integrality is not None:
            h.changeColsIntegrality(n, everything, integrality)


def _round_implied_bounds(h: highspy.Highs, integrality: np.ndarray, deadline: float) -> bool:
    """Rows in which the dive has fixed every column but one integer column bound that column;
    round those bounds inwards and set them (and re-solve the LP). With a main group's total A
    fixed, a spreading row a_e - (1-tau) s_e A >= -1 becomes a_e >= ceil(...), which the LP
    does not see by itself and which otherwise dead-ends the rounding of the a_e. The bounds
    are implied by the fixings, so no plan the dive could still reach is cut off. False when
    the bounds cross (the fixings admit no whole plan)."""
    lp = h.getLp()
    n, m = lp.num_col_, lp.num_row_
    if m == 0:
        return True
    lower, upper = np.array(lp.col_lower_), np.array(lp.col_upper_)
    row_lower, row_upper = np.array(lp.row_lower_), np.array(lp.row_upper_)
    matrix = lp.a_matrix_
    rows = np.array(matrix.index_, dtype=np.int64)
    coefficients = np.array(matrix.value_)
    cols = np.repeat(np.arange(n), np.diff(np.array(matrix.start_)))
    free = (lower < upper)[cols]
    free_in_row = np.bincount(rows[free], minlength=m)
    fixed_part = np.bincount(rows[~free], weights=coefficients[~free] * lower[cols[~free]], minlength=m)
    entries = free & (free_in_row[rows] == 1) & (integrality[cols] > 0) & (coefficients != 0)
    if not entries.any():
        return True
    r, j, a = rows[entries], cols[entries], coefficients[entries]
    with np.errstate(invalid="ignore"):
        low = (row_lower[r] - fixed_part[r]) / a
        high = (row_upper[r] - fixed_part[r]) / a
    low, high = np.where(a > 0, low, high), np.where(a > 0, high, low)
    low = np.where(np.isnan(low), -np.inf, np.ceil(low - 1e-6))
    high = np.where(np.isnan(high), np.inf, np.floor(high + 1e-6))
    new_lower, new_upper = lower.copy(), upper.copy()
    np.maximum.at(new_lower, j, low)
    np.minimum.at(new_upper, j, high)
    if (new_lower > new_upper).any():
        return False
    changed = np.flatnonzero((new_lower != lower) | (new_upper != upper)).astype(np.int32)
    if len(changed):
        h.changeColsBounds(len(changed), changed, new_lower[changed], new_upper[changed])
        _run_until(h, deadline)
        return h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return True


def _dive_phase(h: highspy.Highs, columns: list[int], fixed: dict[int, int], deadline: float,
                rounded, lower, upper, greedy: bool = False) -> int | None:
    """One phase of `_lp_dive` over `columns`, adding what it fixes to `fixed` (the bounds
    stay fixed in `h`); the number of rounds, or None when the dive dead-ends or runs out of
    time. `greedy`: round every fractional column at once as long as that neither fails nor
    raises the LP objective, then a quarter at a time (for the class columns, which rarely
    move the objective once the group-level columns are fixed)."""
    rounds = 0
    share = 1 if greedy else 4
    while True:
        if time.perf_counter() > deadline:
            return None
        value = np.array(h.getSolution().col_value)
        free = [j for j in columns if j not in fixed]
        if not free:
            return rounds
        rounds += 1
        distance = {j: abs(value[j] - round(value[j])) for j in free}
        integral = [j for j in free if distance[j] < 1e-6]
        fractional = sorted((j for j in free if distance[j] >= 1e-6), key=lambda j: distance[j])
        batch = fractional[: max(1, len(fractional) // share)] if fractional else []
        trial = {**{j: int(round(value[j])) for j in integral}, **{j: rounded(j, value[j]) for j in batch}}
        before = h.getInfo().objective_function_value
        if _fix(h, trial, deadline):
            after = h.getInfo().objective_function_value
            if share == 1 and len(batch) > 1 and after > before + 1e-9 * max(1.0, abs(before)):
                # rounding everything at once cost something (a plan-stability term): undo
                # it and go on a quarter at a time, which lets the LP re-balance in between
                _unfix(h, [*integral, *batch], lower, upper)
                _run_until(h, deadline)
                share = 4
                continue
            fixed.update(trial)
            continue
        # undo the round and try the single best column both ways, the others free to move
        _unfix(h, [*integral, *batch], lower, upper)
        share = 4
        if not fractional:
            return None
        head = fractional[0]
        settled = False
        first = rounded(head, value[head])
        for rounding in (first, np.floor(value[head]) if first > value[head] else np.ceil(value[head])):
            if _fix(h, {head: int(rounding)}, deadline):
                fixed[head] = int(rounding)
                settled = True
                break
            _unfix(h, [head], lower, upper)
        if not settled:
            return None


LARGE_MODEL_ROWS = 2_000
"""Root LPs with more rows go to the interior point solver (then crossover, so the dive's
re-solves hot-start from a basis). Measured: monthly city (2.4k rows) 0.13 s against
0.22-0.53 s by dual simplex; a neighbourhood with 9.5k rows and 20k columns 1.3 s against
105 s; city size (1.1-1.4k rows) about equal."""


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
              dive_vars: list | None = None, start: list | None = None,
              dive_implied: list | None = None, dive_later: list[list] | None = None) -> SolverRun:
    """Solve `model` with HiGHS (one solve at a time, see HIGHS_LOCK)."""
    with HIGHS_LOCK:
        return _run_highs(model, options, log_stream, dive_vars, start, dive_implied, dive_later)


def _proven(objective: float, bound: float | None, options: SolveOptions, solver_options: dict) -> bool:
    """HiGHS's stopping rule (mip_rel_gap or mip_abs_gap) applied to a plan and a bound."""
    if bound is None:
        return False
    abs_gap = float(solver_options.get("mip_abs_gap", 1e-6))
    difference = objective - bound
    return difference <= abs_gap or difference <= options.mip_gap * abs(objective)


def _dived_run(solver: Highs, dive: DiveResult, started: float, log: io.StringIO, log_stream) -> SolverRun:
    """Load the dived plan into the Pyomo variables and report it as proven by the LP bound."""
    for var_id, j in solver._pyomo_var_to_solver_var_map.items():
        solver._vars[var_id][0].set_value(float(dive.solution[j]), skip_validation=True)
    seconds = time.perf_counter() - started
    line = (f"quota-opt: the dived plan ({dive.objective}) is within the gap of the LP bound "
            f"({dive.lp_objective}): optimal without branch and bound, {seconds:.2f} s\n")
    log.write(line)
    if log_stream is not None:
        log_stream.write(log.getvalue())
    message = "LP dive: plan at the LP bound"
    logger.info("%s in %.2f s, objective %s, bound %s", message, seconds, dive.objective, dive.lp_objective)
    return SolverRun(status=Status.OPTIMAL, objective=dive.objective, bound=dive.lp_objective,
                     gap=relative_gap(dive.objective, dive.lp_objective), seconds=seconds,
                     log=log.getvalue(), message=message)


def _run_highs(model: pyo.ConcreteModel, options: SolveOptions, log_stream=None,
               dive_vars: list | None = None, start: list | None = None,
               dive_implied: list | None = None, dive_later: list[list] | None = None) -> SolverRun:
    """Solve `model` with HiGHS and load the best plan into it, if there is one.

    With `dive_vars` (the group-level integer columns of the aggregated model), an LP dive
    first rounds those columns and hands them to HiGHS as a partial MIP start, which HiGHS
    completes; on this model the LP bound is usually the optimum, so the start lets HiGHS
    prove optimality at the root. `start` ((variable, value) pairs, the previous plan) guides
    the dive's rounding, and is handed over itself when the dive finds nothing (or when there
    is no dive, in the reference formulation). When the dive rounds every integer column and
    the plan is within the gap of the LP bound, that plan is the answer and HiGHS's branch and
    bound is not run; a whole plan that is not is handed over as the incumbent."""
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
            implied = [column[id(v)] for v in dive_implied or [] if id(v) in column]
            later = [[column[id(v)] for v in phase if id(v) in column] for phase in dive_later or []]
            dive = _lp_dive(h, columns, started + budget, preferred, implied, later,
                            abs_gap=float(solver_options.get("mip_abs_gap", 1e-6)))
            h.setOptionValue("output_flag", True)
            values = dive.values
            found = "a whole plan" if dive.solution is not None else ("a start" if values else "no start")
            log.write(f"quota-opt: LP dive found {found} in "
                      f"{dive.rounds} rounds, {time.perf_counter() - started:.2f} s, "
                      f"LP bound {dive.lp_objective}"
                      f"{f', plan {dive.objective}' if dive.solution is not None else ''}"
                      f"{' (completed by the restricted MIP)' if dive.completed else ''}"
                      f"{', rounding towards the previous plan' if preferred else ''}\n")
            if dive.solution is not None and _proven(dive.objective, dive.lp_objective, options, solver_options):
                # the LP bound already proves the dived plan: no branch and bound needed
                h.cbMipInterrupt -= watchdog
                return _dived_run(solver, dive, started, log, log_stream)
            if dive.solution is not None:
                h.setSolution(h.getNumCol(), np.arange(h.getNumCol(), dtype=np.int32), dive.solution)
                values = None  # handed over whole
            elif not values and preferred:
                values = preferred
                log.write(f"quota-opt: MIP start from the previous plan ({len(preferred)} columns)\n")
        elif preferred:
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
