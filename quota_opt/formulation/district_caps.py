"""Spec §3 rule 5: hard caps on placements in a district."""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ALL_GROUPS, ModelData
from .rules import add_rows

ALL_PERIODS = "*"


def add_district_caps(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`district_cap[d,m,p]`: sum of x in district d (groups of main group m, or all groups;
    period p, or all periods) <= max_dwellings. Two caps on the same (d,m,p): the lower binds.
    A cap over no allocation key at all holds trivially and gets no row."""
    caps: dict[tuple[str, str, str], int] = {}
    for cap in data.scenario.rules.district_caps:
        index = (cap.district, cap.main_group or ALL_GROUPS, cap.period or ALL_PERIODS)
        caps[index] = min(cap.max_dwellings, caps.get(index, cap.max_dwellings))
    rows = {}
    for (d, mg, p), limit in caps.items():
        keys = [k for k in data.keys if k[3] == d
                and (mg == ALL_GROUPS or data.main_group_of[k[0]] == mg)
                and (p == ALL_PERIODS or k[4] == p)]
        if keys:
            rows[d, mg, p] = (None, pyo.quicksum(m.allocated[k] for k in keys), limit)
    add_rows(m, "district_cap", rows)
