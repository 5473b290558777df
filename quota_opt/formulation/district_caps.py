"""Spec §3 rule 5: hard caps on placements in a district."""

from __future__ import annotations


from ..data import ALL, ALL_GROUPS, ModelData
from .rules import add_rows

ALL_PERIODS = ALL


def add_district_caps(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`district_cap[d,m,p]`: sum of x in district d (groups of main group m, or all groups;
    period p, or all periods) <= max_dwellings. Two caps on the same (d,m,p): the lower binds.
    A cap over no allocation at all holds trivially and gets no row (see add_rows)."""
    caps: dict[tuple[str, str, str], int] = {}
    for cap in data.scenario.rules.district_caps:
        index = (cap.district, cap.main_group or ALL_GROUPS, cap.period or ALL_PERIODS)
        caps[index] = min(cap.max_dwellings, caps.get(index, cap.max_dwellings))
    add_rows(m, "district_cap", {
        (d, mg, p): (None, m.view.in_district(d, mg, None if p == ALL_PERIODS else p), limit)
        for (d, mg, p), limit in caps.items()})
