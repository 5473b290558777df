"""The only module that talks to HiGHS (through pyomo.contrib.solver's interface):
options, time limit, our own status enum, and an honest account of the run."""

from __future__ import annotations

import enum
import io
import logging
import math
import time
from dataclasses import dataclass
from typing import Literal

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


def run_highs(model: pyo.ConcreteModel, options: SolveOptions, log_stream=None) -> SolverRun:
    """Solve `model` with HiGHS and load the best plan into it, if there is one."""
    solver = Highs()
    if not solver.available():
        raise RuntimeError("HiGHS (highspy) is not installed")
    log = io.StringIO()
    tee = [log] + ([log_stream] if log_stream is not None else [])
    solver_options = {"mip_rel_gap": options.mip_gap, "output_flag": True, **options.solver_options}
    started = time.perf_counter()
    results = solver.solve(
        model,
        tee=tee,
        time_limit=options.time_limit,
        threads=options.threads,
        load_solutions=False,
        raise_exception_on_nonoptimal_result=False,
        solver_options=solver_options,
    )
    seconds = time.perf_counter() - started
    status = _TERMINATION.get(results.termination_condition, Status.ERROR)
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
