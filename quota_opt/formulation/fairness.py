"""Extension: the fair objective. Stage 1 minimises the largest overdue share over groups,
share_g = sum_p O[g,p] / sum_p Due[g,p] (the part of the households at risk of waiting beyond
target that does wait beyond it); stage 2 keeps that share and minimises the weighted objective
(the pipeline runs the two stages)."""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ModelData
from .rules import add_rows


def add_fairness(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`largest_overdue_share` (s, >= 0) and `overdue_share_limit[g]`:
    sum_p O[g,p] - s * sum_p Due[g,p] <= 0 for every group with sum_p Due[g,p] > 0."""
    if data.scenario.rules.objective != "fair" or m.elastic:
        return
    m.largest_overdue_share = pyo.Var(domain=pyo.NonNegativeReals, bounds=(0, 1))
    rows = {}
    for g in data.groups:
        at_risk = sum(data.due[g, p] for p in data.periods)
        if at_risk > 0:
            rows[g] = (None, pyo.quicksum(m.overdue[g, p] for p in data.periods)
                       - at_risk * m.largest_overdue_share, 0)
    add_rows(m, "overdue_share_limit", rows)
