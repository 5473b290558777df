"""Evaluate a given allocation with the formulation itself: the spec's objective, each term,
and every rule row it breaks. One implementation of each rule serves both the optimisation
and the judgement of any plan (the rule of thumb, an adopted plan, a hand-made one)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.visitor import identify_variables

from ..data import AllocationKey, ModelData
from .objective import objective_terms
from .rules import RULES

VIOLATION_COLUMNS = ["rule", "spec", "index", "text", "give_way"]


@dataclass(frozen=True)
class Evaluation:
    objective: float
    terms: dict[str, float]
    housed: dict[tuple[str, str], int]
    overdue: dict[tuple[str, str], float]
    violations: pd.DataFrame
    """One row per broken rule row: by how many dwellings it is broken."""


class AllocationOutsideModel(ValueError):
    """The allocation uses a key the model does not have (ineligible type, no supply)."""


def load_allocation(m: pyo.ConcreteModel, allocation: dict[AllocationKey, int]) -> None:
    """Set x to the allocation (zero elsewhere) and every auxiliary variable to the value the
    allocation implies: H and the placement totals from their definitions, O = max(0, Due - C),
    the quota deviation, and y = 1 exactly where a batch group gets something."""
    unknown = [k for k, n in allocation.items() if n and k not in m.allocated]
    if unknown:
        raise AllocationOutsideModel(f"{len(unknown)} allocation rows are not choices of the model, "
                                     f"e.g. {unknown[0]}")
    for k in m.allocated:
        m.allocated[k].set_value(allocation.get(k, 0), skip_validation=True)
    _solve_definitions(m, m.housed_definition, m.housed)
    _solve_definitions(m, m.placements_definition, m.placements)
    _solve_definitions(m, m.placements_definition, m.main_group_total)
    for key, con in m.overdue_definition.items():
        m.overdue[key].set_value(0)
        m.overdue[key].set_value(max(0.0, pyo.value(con.lower) - pyo.value(con.body)))
    for g, con in m.quota_deviation_definition.items():
        _split_deviation(con, m.quota_excess[g], m.quota_shortfall[g])
    for key, con in m.contingent_change_definition.items():
        _split_deviation(con, m.change_up[key], m.change_down[key])
    if hasattr(m, "largest_overdue_share"):
        shares = [0.0]
        for g, con in m.overdue_share_limit.items():  # body = sum O - s * sum Due
            m.largest_overdue_share.set_value(0)
            overdue = pyo.value(con.body)
            m.largest_overdue_share.set_value(1)
            at_risk = overdue - pyo.value(con.body)
            shares.append(overdue / at_risk if at_risk else 0.0)
        m.largest_overdue_share.set_value(max(shares), skip_validation=True)
    for key, con in m.min_batch_lower.items():
        # y may be held at 1 by its bound (realised dwellings from c); the row decides here
        m.uses_corporation[key].set_value(0, skip_validation=True)
        m.uses_corporation[key].set_value(1 if pyo.value(con.body) > 0.5 else 0, skip_validation=True)


def _split_deviation(con, up, down) -> None:
    """For a row `body - up + down = lower` (up, down >= 0): the least up and down, i.e.
    up = (body - lower)^+, down = (lower - body)^+, with body read at up = down = 0."""
    up.set_value(0)
    down.set_value(0)
    body, target = pyo.value(con.body), pyo.value(con.lower)
    up.set_value(max(0.0, body - target))
    down.set_value(max(0.0, target - body))


def _solve_definitions(m, constraint, variables) -> None:
    """For rows `v - sum(...) = 0` whose v is in `variables`: v := the sum."""
    for key, con in constraint.items():
        var = _defined_var(con, variables)
        if var is None:
            continue
        var.set_value(0, skip_validation=True)
        var.set_value(pyo.value(con.lower) - pyo.value(con.body), skip_validation=True)


def _defined_var(con, variables):
    """The defined variable of a definition row is the first one written (`v - sum(...)`)."""
    first = next(identify_variables(con.body, include_fixed=True), None)
    if first is not None and first.parent_component() is variables:
        return first
    return None


def evaluate(m: pyo.ConcreteModel, data: ModelData, allocation: dict[AllocationKey, int]) -> Evaluation:
    """Load `allocation` into the built (non-elastic) model and read off the objective and
    every relaxable rule row it breaks."""
    load_allocation(m, allocation)
    terms = {name: float(pyo.value(expr)) for name, expr in objective_terms(m, data).items()}
    rows = []
    for name, rule in RULES.items():
        if rule.penalty is None or not rule.judged or not hasattr(m, name):
            continue
        for key, con in getattr(m, name).items():
            body = pyo.value(con.body)
            lower = pyo.value(con.lower) if con.has_lb() else None
            upper = pyo.value(con.upper) if con.has_ub() else None
            broken = max(0.0, (lower - body) if lower is not None else 0.0,
                         (body - upper) if upper is not None else 0.0)
            if broken > 1e-6:
                index = key if isinstance(key, tuple) else (key,)
                rows.append({"rule": name, "spec": rule.spec, "index": index,
                             "text": rule.describe(*index), "give_way": round(broken, 6)})
    housed = {key: int(round(pyo.value(v))) for key, v in m.housed.items()}
    overdue = {key: float(pyo.value(v)) for key, v in m.overdue.items()}
    return Evaluation(objective=sum(terms.values()), terms=terms, housed=housed, overdue=overdue,
                      violations=pd.DataFrame(rows, columns=VIOLATION_COLUMNS))
