"""Spec §3 rule 1: no cell gives away more dwellings than it offers."""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ModelData
from .rules import add_rows


def add_supply_limit(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`supply_limit[c,d,t,p]`: sum_g x[g,t,c,d,p] <= S[c,d,t,p] minus what is frozen in the
    cell (the commitment lag), for every cell of a period that is not fixed and that some group
    may use (realised and committed cells were checked against their supply when the scenario
    was validated)."""
    add_rows(m, "supply_limit", {
        cell: (None, pyo.quicksum(m.allocated[k] for k in keys), data.residual[cell])
        for cell, keys in data.free_keys_by_cell.items()})
