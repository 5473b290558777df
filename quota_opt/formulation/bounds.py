"""Spec §3 rule 3: the steering group's bounds on a group's placements."""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ModelData
from .rules import add_rows
from .variables import housed_cumulative


def add_group_bounds(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`housed_min[g]`, `housed_max[g]`: min/max_housed <= C[g,n];
    `housed_min_period[g,p]`, `housed_max_period[g,p]`: bounds on H[g,p];
    `cumulative_min[g,p]`: C[g,p] >= min_cumulative entry for p."""
    last = data.last_period
    lower, upper, period_lower, period_upper, cumulative = {}, {}, {}, {}, {}
    for g in data.scenario.groups:
        if g.min_housed is not None:
            lower[g.id] = (g.min_housed, housed_cumulative(m, data, g.id, last), None)
        if g.max_housed is not None:
            upper[g.id] = (None, housed_cumulative(m, data, g.id, last), g.max_housed)
        for k, p in enumerate(data.periods):
            if g.min_housed_per_period and g.min_housed_per_period[k] is not None:
                period_lower[g.id, p] = (g.min_housed_per_period[k], m.housed[g.id, p], None)
            if g.max_housed_per_period and g.max_housed_per_period[k] is not None:
                period_upper[g.id, p] = (None, m.housed[g.id, p], g.max_housed_per_period[k])
        for entry in g.min_cumulative or []:
            # two entries for one period: the larger one binds
            previous = cumulative.get((g.id, entry.period), (0,))[0]
            cumulative[g.id, entry.period] = (max(previous, entry.dwellings),
                                              housed_cumulative(m, data, g.id, entry.period), None)
    add_rows(m, "housed_min", lower)
    add_rows(m, "housed_max", upper)
    add_rows(m, "housed_min_period", period_lower)
    add_rows(m, "housed_max_period", period_upper)
    add_rows(m, "cumulative_min", cumulative)
