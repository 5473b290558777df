"""The decision variables of spec §3: x (allocated), H (housed) and O (overdue)."""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ModelData
from .views import ReferenceView


def add_variables(m: pyo.ConcreteModel, data: ModelData) -> None:
    """x[g,t,c,d,p] -> `allocated`, integer, one per allocation key (free keys bounded by
    their cell's supply; realised keys frozen by equal bounds, spec §3 rule 7).
    H[g,p] -> `housed` (= sum of x, integral whenever x is).
    O[g,p] -> `overdue` (>= 0; equals max(0, Due - C) at any optimum with w_g > 0)."""
    m.view = ReferenceView(m, data)
    m.allocation_index = pyo.Set(initialize=data.keys, dimen=5, ordered=True)

    def allocated_bounds(model, g, t, c, d, p):
        if (g, t, c, d, p) in data.realised:
            n = data.realised[g, t, c, d, p]
            return (n, n)
        return (0, data.residual[c, d, t, p])

    m.allocated = pyo.Var(m.allocation_index, domain=pyo.NonNegativeIntegers, bounds=allocated_bounds)
    group_periods = [(g, p) for g in data.groups for p in data.periods]
    # no upper bound from arrivals here: that is the named arrival_limit row, which the
    # diagnosis must be able to relax
    m.housed = pyo.Var(group_periods, domain=pyo.NonNegativeReals)
    m.overdue = pyo.Var(group_periods, domain=pyo.NonNegativeReals)


def housed_cumulative(m: pyo.ConcreteModel, data: ModelData, group: str, period: str):
    """C[g,p] = sum of H[g,s] for s <= p."""
    last = data.periods.index(period)
    return pyo.quicksum(m.housed[group, s] for s in data.periods[: last + 1])
