"""Spec §3 rule 2: the queue of each group, first come first served.

H[g,p] = sum of x; C[g,p] <= arrivals by p; O[g,p] >= Due[g,p] - C[g,p]."""

from __future__ import annotations

from ..data import ModelData
from .rules import add_rows
from .variables import housed_cumulative


def add_housed_definition(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`housed_definition[g,p]`: H[g,p] - sum_{t,c,d} x[g,t,c,d,p] = 0."""
    add_rows(m, "housed_definition", {
        (g, p): (0, m.housed[g, p] - m.view.housed(g, p), 0)
        for g in data.groups for p in data.periods})


def add_arrival_limit(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`arrival_limit[g,p]`: C[g,p] <= waiting_start + sum_{s<=p} inflow[g,s]."""
    add_rows(m, "arrival_limit", {
        (g, p): (None, housed_cumulative(m, data, g, p), data.arrived[g, p])
        for g in data.groups for p in data.periods})


def add_overdue_definition(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`overdue_definition[g,p]`: O[g,p] + C[g,p] >= Due[g,p], so O >= max(0, Due - C)."""
    add_rows(m, "overdue_definition", {
        (g, p): (data.due[g, p], m.overdue[g, p] + housed_cumulative(m, data, g, p), None)
        for g in data.groups for p in data.periods})
