"""Extension: self-searching groups (like urgent cases who search WoningNet themselves).

Their uptake is a forecast, not a decision: within the commitment lag it happens as
forecast; after it the steering group can only lower it, by asking corporations to expose
fewer suitable dwellings to the group."""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ModelData
from .rules import add_rows


def add_uptake(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`uptake_fixed[g,p]`: H[g,p] = forecast[g,p] for p in the commitment lag;
    `uptake_limit[g,p]`: H[g,p] <= forecast[g,p] for every later period."""
    committed, fixed = set(data.committed_periods), set(data.fixed_periods)
    exact, limit = {}, {}
    for g in data.scenario.groups:
        if not g.self_searching or g.forecast_uptake is None:
            continue
        for k, p in enumerate(data.periods):
            if p in fixed:
                continue
            forecast = g.forecast_uptake[k]
            if p in committed:
                exact[g.id, p] = (forecast, m.housed[g.id, p], forecast)
            else:
                limit[g.id, p] = (None, m.housed[g.id, p], forecast)
    add_rows(m, "uptake_fixed", exact)
    add_rows(m, "uptake_limit", limit)
