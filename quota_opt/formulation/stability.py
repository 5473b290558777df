"""Extension: plan stability in a re-solve. Corporations have planned with the adopted plan,
so every dwelling by which a contingent (group, corporation, dwelling type, period) moves away
from the previous plan costs `stability_weight`."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from ..data import ModelData
from .rules import add_rows


def contingent_keys(data: ModelData) -> dict[tuple[str, str, str, str], int]:
    """(g,c,t,p) of the periods after the commitment lag that the plan may touch or that the
    previous plan used, with the previous plan's number (0 when it had none)."""
    frozen = set(data.fixed_periods) | set(data.committed_periods)
    previous: dict[tuple, int] = defaultdict(int)
    for (g, t, c, d, p), n in data.previous.items():
        if p not in frozen:
            previous[g, c, t, p] += n
    for (g, t, c, d, p) in data.free_keys:
        if p not in frozen:
            previous.setdefault((g, c, t, p), 0)
    return dict(previous)


def stability_active(data: ModelData) -> bool:
    return bool(data.previous) and data.scenario.rules.stability_weight > 0


def add_stability(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`contingent_change_definition[g,c,t,p]`:
    sum_d x[g,t,c,d,p] - change_up[g,c,t,p] + change_down[g,c,t,p] = previous[g,c,t,p];
    the objective adds stability_weight * sum (change_up + change_down)."""
    keys = contingent_keys(data) if stability_active(data) else {}
    m.change_up = pyo.Var(list(keys), domain=pyo.NonNegativeReals)
    m.change_down = pyo.Var(list(keys), domain=pyo.NonNegativeReals)
    add_rows(m, "contingent_change_definition", {
        key: (n, m.view.contingent(*key) - m.change_up[key] + m.change_down[key], n)
        for key, n in keys.items()})
