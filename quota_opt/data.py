"""Everything the formulation needs, derived once from a validated Scenario (spec §3 notation).

No Pyomo here: sparse allocation keys, the queue's Due and arrival numbers, supply shares,
and the groupings of keys that each rule sums over, so every rule builds its rows in one pass.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from .schema import Scenario

AllocationKey = tuple[str, str, str, str, str]  # (group, dwelling_type, corporation, district, period)
Cell = tuple[str, str, str, str]  # (corporation, district, dwelling_type, period)
ALL = "\x00all"
"""Index key for 'every group' / 'every period' / 'any location'. Ids cannot contain control
characters (schema.Id), so no id can be mistaken for it."""
ALL_GROUPS = ALL


@dataclass
class ModelData:
    """The scenario in the shape of the formulation; symbols as in spec §3."""

    scenario: Scenario
    periods: list[str] = field(init=False)
    groups: list[str] = field(init=False)
    main_group_of: dict[str, str] = field(init=False)
    lag: dict[str, int] = field(init=False)
    """L_g = target months / months_per_period: periods a household may wait."""
    due: dict[tuple[str, str], int] = field(init=False)
    """Due[g,p]: households overdue at the end of p if nobody had been housed."""
    arrived: dict[tuple[str, str], int] = field(init=False)
    """waiting_start + inflow up to and including p: nobody is housed before arriving."""
    supply: dict[Cell, int] = field(init=False)
    """S[c,d,t,p], rows of the same cell added up; zero cells left out."""
    fixed_periods: list[str] = field(init=False)
    committed_periods: list[str] = field(init=False)
    """The commitment lag: periods after fixed_through fixed at the previous plan."""
    realised: dict[AllocationKey, int] = field(init=False)
    """Frozen x: spec §3 rule 7 (periods up to fixed_through, zero where absent), plus the
    previous plan in the commitment lag for groups that are not self-searching."""
    committed: dict[AllocationKey, int] = field(init=False)
    """The part of `realised` that comes from the previous plan (the commitment lag)."""
    previous: dict[AllocationKey, int] = field(init=False)
    """The previous plan, all periods (empty without one)."""
    residual: dict[Cell, int] = field(init=False)
    """Supply of each cell of an unfixed period minus what is frozen in it."""
    free_keys: list[AllocationKey] = field(init=False)
    """x the optimisation chooses: eligible type, residual supply > 0, period not fixed (and in
    the commitment lag, self-searching groups only)."""

    def __post_init__(self) -> None:
        s = self.scenario
        self.periods = list(s.periods)
        self.groups = [g.id for g in s.groups]
        self.main_group_of = {g.id: g.main_group for g in s.groups}
        self.lag = {g.id: (g.target_months or s.target_months) // s.months_per_period for g in s.groups}
        self.due, self.arrived = {}, {}
        for g in s.groups:
            L = self.lag[g.id]
            arrived = g.waiting_start
            for k, p in enumerate(self.periods, start=1):
                arrived += g.inflow[k - 1]
                self.arrived[g.id, p] = arrived
                self.due[g.id, p] = (g.overdue_start
                                     + (g.waiting_start - g.overdue_start if k >= L else 0)
                                     + sum(g.inflow[: max(0, k - L)]))
        self.supply = defaultdict(int)
        for row in s.supply:
            self.supply[row.corporation, row.district, row.dwelling_type, row.period] += row.dwellings
        self.supply = {cell: n for cell, n in self.supply.items() if n > 0}
        if s.realised is not None:
            last = self.periods.index(s.realised.fixed_through)
            self.fixed_periods = self.periods[: last + 1]
            self.committed_periods = self.periods[last + 1: last + 1 + s.realised.commit_lag]
        else:
            self.fixed_periods, self.committed_periods = [], []
        fixed, committed = set(self.fixed_periods), set(self.committed_periods)
        self.previous = _summed(s.previous_plan or [])
        self_searching = {g.id for g in s.groups if g.self_searching}
        self.committed = {k: n for k, n in self.previous.items()
                          if k[4] in committed and k[0] not in self_searching}
        self.realised = _summed(s.realised.allocations if s.realised else [])
        for k, n in self.committed.items():
            self.realised[k] = self.realised.get(k, 0) + n
        self.residual = {cell: n for cell, n in self.supply.items() if cell[3] not in fixed}
        for (g, t, c, d, p), n in self.committed.items():
            self.residual[c, d, t, p] = self.residual.get((c, d, t, p), 0) - n
        self.residual = {cell: n for cell, n in self.residual.items() if n > 0}
        eligible_groups = defaultdict(list)
        for g in s.groups:
            for t in g.eligible_types:
                eligible_groups[t].append(g.id)
        self.free_keys = [
            (g, t, c, d, p)
            for (c, d, t, p) in self.residual
            for g in eligible_groups.get(t, [])
            if p not in committed or g in self_searching
        ]
        period_order = {p: k for k, p in enumerate(self.periods)}
        group_order = {g: k for k, g in enumerate(self.groups)}
        self.free_keys.sort(key=lambda k: (group_order[k[0]], period_order[k[4]], k[1:4]))

    # ------------------------------------------------------------------ derived lookups

    @property
    def months_per_period(self) -> int:
        return self.scenario.months_per_period

    @property
    def last_period(self) -> str:
        return self.periods[-1]

    @cached_property
    def keys(self) -> list[AllocationKey]:
        """Every x of the model: the realised ones (fixed by bounds) and the free ones."""
        return list(self.realised) + self.free_keys

    @cached_property
    def keys_by_group_period(self) -> dict[tuple[str, str], list[AllocationKey]]:
        out = defaultdict(list)
        for k in self.keys:
            out[k[0], k[4]].append(k)
        return out

    @cached_property
    def free_keys_by_cell(self) -> dict[Cell, list[AllocationKey]]:
        out = defaultdict(list)
        for k in self.free_keys:
            g, t, c, d, p = k
            out[c, d, t, p].append(k)
        return out

    @cached_property
    def keys_by_group_corporation(self) -> dict[tuple[str, str], list[AllocationKey]]:
        out = defaultdict(list)
        for k in self.keys:
            out[k[0], k[2]].append(k)
        return out

    def groups_in(self, main_group: str) -> list[str]:
        """The groups of a main group; every group for ALL_GROUPS."""
        if main_group == ALL_GROUPS:
            return list(self.groups)
        return [g for g in self.groups if self.main_group_of[g] == main_group]

    @cached_property
    def total_supply(self) -> int:
        return sum(self.supply.values())

    def supply_share(self, dimension: str) -> dict[str, float]:
        """s_e: the element's share of the total supply over the whole horizon."""
        position = 0 if dimension == "corporation" else 1
        elements = self.scenario.corporations if dimension == "corporation" else self.scenario.districts
        totals = {e.id: 0 for e in elements}
        for cell, n in self.supply.items():
            totals[cell[position]] += n
        total = self.total_supply
        return {e: (n / total if total else 0.0) for e, n in totals.items()}

    @staticmethod
    def element_of(key: AllocationKey, dimension: str) -> str:
        return key[2] if dimension == "corporation" else key[3]

    def placement_upper_bound(self, main_group: str, dimension: str, element: str) -> int:
        """U_e: most placements main_group can have in element e over the horizon: the
        supply of e in the group's eligible types plus what is realised there, tightened by
        horizon-wide district caps on that main group (or on all groups)."""
        members = set(self.groups_in(main_group))
        position = 2 if dimension == "corporation" else 3
        bound = sum(n for k, n in self.realised.items() if k[0] in members and k[position] == element)
        types = {t for g in self.scenario.groups if g.id in members for t in g.eligible_types}
        cell_position = 0 if dimension == "corporation" else 1
        bound += sum(n for cell, n in self.residual.items()
                     if cell[cell_position] == element and cell[2] in types)
        if dimension == "district":
            for cap in self.scenario.rules.district_caps:
                applies = cap.main_group is None or cap.main_group == main_group
                if cap.district == element and cap.period is None and applies:
                    bound = min(bound, cap.max_dwellings)
        return bound

    def placement_lower_bound(self, main_group: str, dimension: str, element: str) -> int:
        """L_e: placements of main_group already realised in element e."""
        members = set(self.groups_in(main_group))
        position = 2 if dimension == "corporation" else 3
        return sum(n for k, n in self.realised.items() if k[0] in members and k[position] == element)

    def realised_from_corporation(self, group: str, corporation: str) -> int:
        """Dwellings group has realised (or committed) from corporation."""
        return sum(n for k, n in self.realised.items() if k[0] == group and k[2] == corporation)

    def batch_big_m(self, group: str, corporation: str, tight: bool = True) -> int:
        """The most group can get from corporation over the horizon: eligible supply of the
        corporation plus the group's realised dwellings there, and (tight) no more than its
        arrivals or max_housed. A tight M keeps the min-batch LP relaxation strong."""
        spec = self.scenario.group(group)
        eligible = sum(self.residual[c, d, t, p] for (g, t, c, d, p) in self.free_keys
                       if g == group and c == corporation)
        realised = self.realised_from_corporation(group, corporation)
        if not tight:
            return eligible + realised
        bound = min(eligible + realised, self.arrived[group, self.last_period])
        if spec.max_housed is not None:
            bound = min(bound, max(spec.max_housed, realised))
        return bound


def _summed(rows) -> dict[AllocationKey, int]:
    """Allocation rows -> {(g,t,c,d,p): dwellings}, rows of one key added up, zeros left out."""
    out: dict[AllocationKey, int] = defaultdict(int)
    for a in rows:
        out[a.group, a.dwelling_type, a.corporation, a.district, a.period] += a.dwellings
    return {k: n for k, n in out.items() if n > 0}


def floor_tolerant(value: float) -> int:
    """floor() that forgives float noise just below an integer."""
    return math.floor(value + 1e-9)


def ceil_tolerant(value: float) -> int:
    return math.ceil(value - 1e-9)
