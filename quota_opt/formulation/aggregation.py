"""The aggregated formulation: the same optimum as spec §3 with 3-5x fewer integer columns.

The objective and the queue rows depend only on z[g,t,p] (what group g gets of type t in
period p). Location rules (spreading, district caps, min batch) depend only on class totals
per location. So groups are put in classes: per main group, the groups without a min-batch
rule form one class, and each min-batch group is a class of its own. A class is tracked at the
coarsest location level its rules need:

    cell (corporation and district) | corporation | district | total (no location at all)

with u[k,t,loc,p] the class's dwellings of type t in location loc in period p, linked by
sum_loc u[k,t,loc,p] = sum_{g in k} z[g,t,p]. Capacity rows per cell, per corporation or
district, and per (t,p) total keep every level within its supply. The levels in use are made
laminar (cell within one of corporation/district within total) by promoting classes to cell
level when both corporation-only and district-only classes exist; then any solution can be
turned into x[g,t,c,d,p] exactly (`disaggregate`): per (class,t,p) a transportation between
groups and locations (north-west corner), and coarse locations filled into cells from the
residual supply, finest level first. Realised allocations are constants here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import pyomo.environ as pyo

from ..data import ALL, ALL_GROUPS, AllocationKey, ModelData
from .rules import add_rows

CELL, CORPORATION, DISTRICT, TOTAL = "cell", "corporation", "district", "total"


@dataclass(frozen=True)
class AggregationPlan:
    classes: dict[str, tuple[str, ...]]
    """class id -> its groups"""
    class_of: dict[str, str]
    level: dict[str, str]
    """class id -> CELL, CORPORATION, DISTRICT or TOTAL"""


def plan_aggregation(data: ModelData) -> AggregationPlan:
    """Classes and the level each must be tracked at (see module docstring)."""
    from .stability import stability_active

    s = data.scenario
    batch = {b.group for b in s.rules.min_batch if b.dwellings > 1}
    if stability_active(data):  # contingents are per group and corporation
        batch = {g.id for g in s.groups}
    classes: dict[str, list[str]] = {}
    for g in s.groups:
        cid = f"group:{g.id}" if g.id in batch else f"main:{g.main_group}"
        classes.setdefault(cid, []).append(g.id)
    class_of = {g: cid for cid, gs in classes.items() for g in gs}
    main_of_class = {cid: data.main_group_of[gs[0]] for cid, gs in classes.items()}

    def members(main_group: str | None) -> list[str]:
        return [cid for cid in classes if main_group in (None, ALL_GROUPS) or main_of_class[cid] == main_group]

    needs: dict[str, set[str]] = {cid: set() for cid in classes}
    for rule in s.rules.spreading:
        for cid in members(rule.main_group):
            needs[cid].add(rule.dimension)
    for cap in s.rules.district_caps:
        for cid in members(cap.main_group):
            needs[cid].add(DISTRICT)
    for g in batch:  # min batch and contingents are per corporation
        needs[class_of[g]].add(CORPORATION)
    level = {}
    for cid, need in needs.items():
        level[cid] = CELL if len(need) == 2 else (next(iter(need)) if need else TOTAL)
    if CORPORATION in level.values() and DISTRICT in level.values():
        for cid in level:  # keep the levels nested: corporation-only classes go to cells
            if level[cid] == CORPORATION:
                level[cid] = CELL
    return AggregationPlan({k: tuple(v) for k, v in classes.items()}, class_of, level)


ANY = ALL  # a location coordinate the level does not track


def location_of(cell: tuple[str, str, str, str], level: str) -> tuple[str, str]:
    """(c,d,t,p) -> the location at `level` as (corporation, district), ANY where untracked."""
    c, d = cell[0], cell[1]
    return {CELL: (c, d), CORPORATION: (c, ANY), DISTRICT: (ANY, d), TOTAL: (ANY, ANY)}[level]


class AggregatedView:
    """Sums of the rules over z and u, plus the realised allocations as constants."""

    def __init__(self, m: pyo.ConcreteModel, data: ModelData, plan: AggregationPlan):
        self.m, self.data, self.plan = m, data, plan

    @cached_property
    def _realised_by(self):
        out = defaultdict(lambda: defaultdict(int))
        for (g, t, c, d, p), n in self.data.realised.items():
            mg = self.data.main_group_of[g]
            out["housed"][g, p] += n
            for key in (mg, ALL_GROUPS):
                out["placements"][key, CORPORATION, c] += n
                out["placements"][key, DISTRICT, d] += n
            out["corporation"][g, c] += n
            out["all"][None] += n
        return out

    def _realised_in_district(self, district, main_group, period) -> int:
        return sum(n for (g, t, c, d, p), n in self.data.realised.items() if d == district
                   and (main_group == ALL_GROUPS or self.data.main_group_of[g] == main_group)
                   and (period is None or p == period))

    @cached_property
    def _z_by_group_period(self):
        out = defaultdict(list)
        for (g, t, p) in self.m.z_index:
            out[g, p].append((g, t, p))
        return out

    def _classes_in(self, main_group: str) -> list[str]:
        return [cid for cid, gs in self.plan.classes.items()
                if main_group == ALL_GROUPS or self.data.main_group_of[gs[0]] == main_group]

    def housed(self, group, period):
        return (pyo.quicksum(self.m.z[k] for k in self._z_by_group_period.get((group, period), []))
                + self._realised_by["housed"][group, period])

    @cached_property
    def _u_by_location(self):
        """(class, dimension, element) -> u keys, for the location sums of the rules."""
        out = defaultdict(list)
        for k in self.m.u_index:
            cid, t, c, d, p = k
            if c != ANY:
                out[cid, CORPORATION, c].append(k)
            if d != ANY:
                out[cid, DISTRICT, d].append(k)
        return out

    def placements(self, main_group, dimension, element):
        keys = [k for cid in self._classes_in(main_group) for k in self._u_by_location.get((cid, dimension, element), [])]
        return pyo.quicksum(self.m.u[k] for k in keys) + self._realised_by["placements"][main_group, dimension, element]

    def in_district(self, district, main_group, period):
        keys = [k for cid in self._classes_in(main_group) for k in self._u_by_location.get((cid, DISTRICT, district), [])
                if period is None or k[4] == period]
        return pyo.quicksum(self.m.u[k] for k in keys) + self._realised_in_district(district, main_group, period)

    def from_corporation(self, group, corporation):
        cid = self.plan.class_of[group]
        keys = self._u_by_location.get((cid, CORPORATION, corporation), [])
        return pyo.quicksum(self.m.u[k] for k in keys) + self._realised_by["corporation"][group, corporation]

    def has_from_corporation(self, group, corporation) -> bool:
        cid = self.plan.class_of[group]
        return bool(self._u_by_location.get((cid, CORPORATION, corporation))) or \
            self._realised_by["corporation"][group, corporation] > 0

    def everything(self):
        return pyo.quicksum(self.m.z[k] for k in self.m.z_index) + self._realised_by["all"][None]

    def contingent(self, group, corporation, dwelling_type, period):
        """Needs the group in a class of its own tracked by corporation (plan_aggregation
        arranges it when plan stability is on)."""
        cid = self.plan.class_of[group]
        keys = [k for k in self._u_by_location.get((cid, CORPORATION, corporation), [])
                if k[1] == dwelling_type and k[4] == period]
        realised = sum(n for (g, t, c, d, p), n in self.data.realised.items()
                       if g == group and c == corporation and t == dwelling_type and p == period)
        return pyo.quicksum(self.m.u[k] for k in keys) + realised


def add_aggregated_variables(m: pyo.ConcreteModel, data: ModelData) -> None:
    """z[g,t,p] (`assigned`), u[k,t,loc,p] (`class_assigned`) and H, O as in the reference."""
    plan = plan_aggregation(data)
    m.plan = plan
    supply_tp: dict[tuple[str, str], int] = defaultdict(int)
    supply_at: dict[str, dict] = {lvl: defaultdict(int) for lvl in (CELL, CORPORATION, DISTRICT)}
    for cell, n in data.residual.items():
        t, p = cell[2], cell[3]
        supply_tp[t, p] += n
        for lvl in supply_at:
            supply_at[lvl][location_of(cell, lvl), t, p] += n
    m.supply_tp, m.supply_at = dict(supply_tp), {k: dict(v) for k, v in supply_at.items()}
    eligible = {g.id: g.eligible_types for g in data.scenario.groups}
    free_group_periods = {(k[0], k[4]) for k in data.free_keys}
    z_index = [(g, t, p) for g in data.groups for p in data.periods if (g, p) in free_group_periods
               for t in eligible[g] if supply_tp.get((t, p), 0) > 0]
    m.z_index = pyo.Set(initialize=z_index, dimen=3, ordered=True)
    m.z = pyo.Var(m.z_index, domain=pyo.NonNegativeIntegers, bounds=lambda model, g, t, p: (0, supply_tp[t, p]))
    u_index = []
    for cid, groups in plan.classes.items():
        level = plan.level[cid]
        if level == TOTAL:
            continue
        types = sorted({t for g in groups for t in eligible[g]})
        for ((c, d), t, p), n in m.supply_at[level].items():
            if t in types and n > 0:
                u_index.append((cid, t, c, d, p))
    m.u_index = pyo.Set(initialize=u_index, dimen=5, ordered=True)
    m.u = pyo.Var(m.u_index, domain=pyo.NonNegativeIntegers,
                  bounds=lambda model, cid, t, c, d, p: (0, m.supply_at[plan.level[cid]][(c, d), t, p]))
    m.view = AggregatedView(m, data, plan)
    group_periods = [(g, p) for g in data.groups for p in data.periods]
    m.housed = pyo.Var(group_periods, domain=pyo.NonNegativeReals)
    m.overdue = pyo.Var(group_periods, domain=pyo.NonNegativeReals)


def add_class_link_and_capacity(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`class_link[k,t,p]`: sum_loc u[k,t,loc,p] = sum_{g in k} z[g,t,p];
    `supply_limit[c,d,t,p]`, `supply_limit_corporation[c,t,p]` or `supply_limit_district[d,t,p]`,
    and `supply_limit_total[t,p]`: what every level takes stays within the supply it draws on
    (a cell-level class draws on its cell, on the cell's corporation or district, and on the
    total; a corporation- or district-level class on its location and the total)."""
    plan = m.plan
    z_of = defaultdict(list)
    for (g, t, p) in m.z_index:
        z_of[plan.class_of[g], t, p].append((g, t, p))
    u_of = defaultdict(list)
    for k in m.u_index:
        u_of[k[0], k[1], k[4]].append(k)
    add_rows(m, "class_link", {
        key: (0, pyo.quicksum(m.u[k] for k in u_keys) - pyo.quicksum(m.z[k] for k in z_of.get(key, [])), 0)
        for key, u_keys in u_of.items()})
    levels = set(plan.level.values())
    middle = CORPORATION if CORPORATION in levels else (DISTRICT if DISTRICT in levels else None)
    at_cell, at_middle = defaultdict(list), defaultdict(list)
    for k in m.u_index:
        cid, t, c, d, p = k
        if plan.level[cid] == CELL:
            at_cell[c, d, t, p].append(k)
        if middle is not None and plan.level[cid] in (CELL, middle):
            at_middle[(c, ANY) if middle == CORPORATION else (ANY, d), t, p].append(k)
    # a row with one column is that column's bound already
    add_rows(m, "supply_limit", {
        cell: (None, pyo.quicksum(m.u[k] for k in keys), data.residual[cell])
        for cell, keys in at_cell.items() if len(keys) > 1})
    if middle is not None:
        add_rows(m, f"supply_limit_{middle}", {
            (loc[0] if middle == CORPORATION else loc[1], t, p):
                (None, pyo.quicksum(m.u[k] for k in keys), m.supply_at[middle][loc, t, p])
            for (loc, t, p), keys in at_middle.items() if len(keys) > 1})
    z_by_tp = defaultdict(list)
    for (g, t, p) in m.z_index:
        z_by_tp[t, p].append((g, t, p))
    add_rows(m, "supply_limit_total", {
        key: (None, pyo.quicksum(m.z[k] for k in keys), m.supply_tp[key]) for key, keys in z_by_tp.items()})


def _whole(value: float | None, what: str) -> int:
    value = value or 0.0
    whole = round(value)
    if abs(value - whole) > 1e-6:
        raise ValueError(f"{what} = {value} is not a whole number")
    return int(whole)


def disaggregate(m: pyo.ConcreteModel, data: ModelData) -> dict[AllocationKey, int]:
    """x[g,t,c,d,p] from a solved aggregated model (see module docstring); exact and integral."""
    plan = m.plan
    allocation: dict[AllocationKey, int] = dict(data.realised)
    residual = dict(data.residual)
    cells_of = defaultdict(list)  # (level, loc, t, p) -> cells
    for cell in residual:
        for lvl in (CELL, CORPORATION, DISTRICT, TOTAL):
            cells_of[lvl, location_of(cell, lvl), cell[2], cell[3]].append(cell)
    z_of = defaultdict(list)
    for (g, t, p) in m.z_index:
        n = _whole(m.z[g, t, p].value, f"z[{g},{t},{p}]")
        if n:
            z_of[plan.class_of[g], t, p].append([g, n])
    u_of = defaultdict(list)
    for k in m.u_index:
        n = _whole(m.u[k].value, f"u{k}")
        if n:
            u_of[k[0], k[1], k[4]].append(((k[2], k[3]), n))
    order = {CELL: 0, CORPORATION: 1, DISTRICT: 1, TOTAL: 2}
    for cid in sorted(plan.classes, key=lambda c: order[plan.level[c]]):
        level = plan.level[cid]
        for (kid, t, p), groups in sorted(z_of.items()):
            if kid != cid:
                continue
            pieces = []  # (cell, n): where this class's dwellings of (t,p) go
            locations = u_of.get((cid, t, p), []) if level != TOTAL else [((ANY, ANY), sum(n for _, n in groups))]
            for loc, amount in locations:
                for cell in cells_of[level, loc, t, p]:
                    if amount == 0:
                        break
                    take = min(amount, residual[cell])
                    if take:
                        residual[cell] -= take
                        pieces.append([cell, take])
                        amount -= take
                if amount:
                    raise ValueError(f"class {cid} cannot place {amount} of {t} in {loc} in {p}")
            _north_west_corner(groups, pieces, t, p, allocation)
    return allocation


def _north_west_corner(groups: list[list], pieces: list[list], t: str, p: str, allocation: dict) -> None:
    """Balanced transportation: group amounts against cell amounts, in order."""
    if sum(n for _, n in groups) != sum(n for _, n in pieces):
        raise ValueError(f"class totals of {t} in {p} do not match their locations")
    i = j = 0
    while i < len(groups) and j < len(pieces):
        g, need = groups[i]
        cell, have = pieces[j]
        n = min(need, have)
        if n:
            key = (g, t, cell[0], cell[1], p)
            allocation[key] = allocation.get(key, 0) + n
        groups[i][1] -= n
        pieces[j][1] -= n
        if groups[i][1] == 0:
            i += 1
        if pieces[j][1] == 0:
            j += 1
