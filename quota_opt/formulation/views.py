"""The sums of allocations that the rules are written in, for either formulation.

Rules never index x directly: they ask the model's view for "what group g gets in period p",
"what main group m places in element e", and so on. The reference view sums x[g,t,c,d,p];
the aggregated view (aggregation.py) sums the class-level columns that carry the same totals.
So each rule is written once and holds in both models.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

import pyomo.environ as pyo

from ..data import ALL_GROUPS, ModelData


class ReferenceView:
    """Sums over x[g,t,c,d,p] (`m.allocated`); realised x are variables frozen by bounds."""

    def __init__(self, m: pyo.ConcreteModel, data: ModelData):
        self.m, self.data = m, data

    def _sum(self, keys):
        return pyo.quicksum(self.m.allocated[k] for k in keys)

    def housed(self, group: str, period: str):
        """sum_{t,c,d} x[g,t,c,d,p]"""
        return self._sum(self.data.keys_by_group_period.get((group, period), []))

    @cached_property
    def _placement_keys(self) -> dict[tuple[str, str, str], list]:
        out = defaultdict(list)
        for key in self.data.keys:
            for k in ("corporation", "district"):
                element = self.data.element_of(key, k)
                out[self.data.main_group_of[key[0]], k, element].append(key)
                out[ALL_GROUPS, k, element].append(key)
        return out

    def placements(self, main_group: str, dimension: str, element: str):
        """sum of x of the groups in main_group (every group for '*') in element e"""
        return self._sum(self._placement_keys.get((main_group, dimension, element), []))

    def in_district(self, district: str, main_group: str, period: str | None):
        """sum of x in district d, of main_group ('*': all), in period p (None: all)"""
        return self._sum(k for k in self.data.keys if k[3] == district
                         and (main_group == ALL_GROUPS or self.data.main_group_of[k[0]] == main_group)
                         and (period is None or k[4] == period))

    def from_corporation(self, group: str, corporation: str):
        """sum_{t,d,p} x[g,t,c,d,p]"""
        return self._sum(self.data.keys_by_group_corporation.get((group, corporation), []))

    def has_from_corporation(self, group: str, corporation: str) -> bool:
        return bool(self.data.keys_by_group_corporation.get((group, corporation)))

    def everything(self):
        return self._sum(self.data.keys)

    @cached_property
    def _contingent_keys(self):
        out = defaultdict(list)
        for key in self.data.keys:
            g, t, c, d, p = key
            out[g, c, t, p].append(key)
        return out

    def contingent(self, group: str, corporation: str, dwelling_type: str, period: str):
        """sum_d x[g,t,c,d,p]: what corporation c gives group g of type t in period p"""
        return self._sum(self._contingent_keys.get((group, corporation, dwelling_type, period), []))
