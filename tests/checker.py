"""An independent checker of spec §3 (hard rules, objective) and §4 (within-target share).

Written from /work/shared/spec/model.md only, in plain Python: it shares no code with
`quota_opt.formulation` or `quota_opt.data`, so a rule misread there is not misread here too.
Test code only (STYLE.md: a checker in the tests is fine, a second production copy is not).

    instance = Instance(scenario)            # a pydantic Scenario or its raw dict
    instance.violations(allocation)          # [] when every rule of §3 holds
    instance.objective(allocation)           # the spec's objective
    instance.within_target(allocation)       # {group: households housed within the target}

`allocation` is a DataFrame with the columns of spec §5 (group, dwelling_type, corporation,
district, period, dwellings), a list of such mappings, or a dict {key tuple: dwellings}.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KEY_COLUMNS = ("group", "dwelling_type", "corporation", "district", "period")
EPS = 1e-9
"""Slack for the float arithmetic of the spreading shares (whole-dwelling data otherwise)."""

BOUND_RULES = ("min_housed", "max_housed", "min_housed_per_period", "max_housed_per_period",
               "min_cumulative")
RULE_FAMILIES = {
    **{name: "bounds" for name in BOUND_RULES},
    "spreading": "spreading",
    "district_cap": "district_caps",
    "min_batch": "min_batch",
}
"""Checker rule -> family, for the families the rule of thumb's report covers too."""

Key = tuple[str, str, str, str, str]


@dataclass(frozen=True)
class Violation:
    """One broken rule: which rule (spec §3 wording), about what, and by how many dwellings."""

    rule: str
    where: str
    amount: float

    def __str__(self) -> str:
        return f"{self.rule} [{self.where}] broken by {self.amount:g}"


def _id(item: Any) -> str:
    return str(item["id"]) if isinstance(item, Mapping) else str(item)


def _raw(scenario: Any) -> Mapping:
    if hasattr(scenario, "model_dump"):
        return scenario.model_dump()
    return scenario


class Instance:
    """The scenario in spec §3 notation; defaults of spec §2 applied to a raw dict."""

    def __init__(self, scenario: Any):
        raw = _raw(scenario)
        self.periods: list[str] = [str(p) for p in raw["periods"]]
        self.n = len(self.periods)
        self.position = {p: k for k, p in enumerate(self.periods, start=1)}  # p = 1..n
        self.months_per_period = int(raw.get("months_per_period", 3))
        target = raw.get("target_months", 3)
        target = 3 if target is None else int(target)
        self.dwelling_types = [_id(t) for t in raw["dwelling_types"]]
        self.main_groups = [_id(m) for m in raw["main_groups"]]
        self.corporations = [_id(c) for c in raw["corporations"]]
        self.districts = [_id(d) for d in raw["districts"]]

        self.groups: list[str] = []
        self.main_group: dict[str, str] = {}
        self.eligible: dict[str, set[str]] = {}
        self.weight: dict[str, float] = {}
        self.lag: dict[str, int] = {}
        self.waiting_start: dict[str, int] = {}
        self.overdue_start: dict[str, int] = {}
        self.inflow: dict[str, list[int]] = {}
        self.quota: dict[str, int | None] = {}
        self.spec: dict[str, Mapping] = {}
        for g in raw["groups"]:
            gid = str(g["id"])
            self.groups.append(gid)
            self.spec[gid] = g
            self.main_group[gid] = str(g["main_group"])
            self.eligible[gid] = {str(t) for t in (g.get("eligible_types") or [])}
            weight = g.get("weight", 1.0)
            self.weight[gid] = 1.0 if weight is None else float(weight)
            own = g.get("target_months")
            self.lag[gid] = (target if own is None else int(own)) // self.months_per_period
            self.waiting_start[gid] = int(g.get("waiting_start") or 0)
            self.overdue_start[gid] = int(g.get("overdue_start") or 0)
            self.inflow[gid] = [int(v) for v in g["inflow"]]
            self.quota[gid] = g.get("quota")

        self.supply: dict[tuple[str, str, str, str], int] = defaultdict(int)
        for row in raw.get("supply") or []:
            cell = (str(row["corporation"]), str(row["district"]), str(row["dwelling_type"]),
                    str(row["period"]))
            self.supply[cell] += int(row["dwellings"])
        self.supply = dict(self.supply)

        rules = raw.get("rules") or {}
        self.quota_weight = float(rules.get("quota_weight", 0.0) or 0.0)
        reward = rules.get("housing_reward", 0.01)
        self.housing_reward = 0.01 if reward is None else float(reward)
        self.spreading = list(rules.get("spreading") or [])
        self.district_caps = list(rules.get("district_caps") or [])
        self.min_batch = list(rules.get("min_batch") or [])

        realised = raw.get("realised")
        self.fixed_through: int = 0  # periods 1..fixed_through are facts
        self.realised: dict[Key, int] = defaultdict(int)
        if realised:
            self.fixed_through = self.position[str(realised["fixed_through"])]
            for row in realised.get("allocations") or []:
                self.realised[tuple(str(row[c]) for c in KEY_COLUMNS)] += int(row["dwellings"])
        self.realised = {k: n for k, n in self.realised.items() if n}

    # ------------------------------------------------------------------ the queue (§3 rule 2)

    def cohorts(self, group: str) -> list[tuple[float, int]]:
        """(arrival period, households) oldest first: the already-overdue part of the start
        queue (arrived 'at minus infinity'), the rest of the start queue (0), inflow (1..n)."""
        ws, os_ = self.waiting_start[group], self.overdue_start[group]
        return [(-math.inf, os_), (0, ws - os_)] + [
            (s, self.inflow[group][s - 1]) for s in range(1, self.n + 1)]

    def due(self, group: str, p: int) -> int:
        """Households overdue at the end of period p (1-based) if nobody had been housed:
        every cohort s with p - s >= L, counted from the cohorts rather than the closed form."""
        return sum(size for arrival, size in self.cohorts(group) if p - arrival >= self.lag[group])

    def arrived(self, group: str, p: int) -> int:
        return sum(size for arrival, size in self.cohorts(group) if arrival <= p)

    # ------------------------------------------------------------------ allocations

    def normalise(self, allocation: Any) -> tuple[dict[Key, float], list[Violation]]:
        """The allocation as {key: dwellings} (rows of one key added up), and the problems of
        form: non-integral or negative numbers, ids the scenario does not know."""
        problems: list[Violation] = []
        x: dict[Key, float] = defaultdict(float)
        known = [set(self.groups), set(self.dwelling_types), set(self.corporations),
                 set(self.districts), set(self.periods)]
        for key, value in _rows(allocation):
            value = float(value)
            if not math.isfinite(value) or abs(value - round(value)) > 1e-9:
                problems.append(Violation("integrality", _fmt(key), value))
            if value < 0:
                problems.append(Violation("nonnegativity", _fmt(key), -value))
            for column, ident, ids in zip(KEY_COLUMNS, key, known):
                if ident not in ids:
                    problems.append(Violation("unknown_id", f"{column}={ident}", value))
            x[key] += value
        return {k: v for k, v in x.items() if v != 0}, problems

    def housed(self, x: Mapping[Key, float]) -> dict[tuple[str, int], float]:
        """H[g,p]."""
        out = {(g, p): 0.0 for g in self.groups for p in range(1, self.n + 1)}
        for (g, t, c, d, p), n in x.items():
            if (g, self.position.get(p)) in out:
                out[g, self.position[p]] += n
        return out

    def cumulative(self, x: Mapping[Key, float]) -> dict[tuple[str, int], float]:
        """C[g,p]."""
        housed = self.housed(x)
        out = {}
        for g in self.groups:
            total = 0.0
            for p in range(1, self.n + 1):
                total += housed[g, p]
                out[g, p] = total
        return out

    # ------------------------------------------------------------------ §3 hard rules

    def violations(self, allocation: Any) -> list[Violation]:
        """Every broken rule of spec §3 (and integrality, and ids the scenario lacks)."""
        x, out = self.normalise(allocation)
        out += self._supply(x)
        out += self._eligibility(x)
        out += self._arrivals(x)
        out += self._bounds(x)
        out += self._spreading(x)
        out += self._district_caps(x)
        out += self._min_batch(x)
        out += self._realised(x)
        return out

    def _supply(self, x):
        used: dict[tuple, float] = defaultdict(float)
        for (g, t, c, d, p), n in x.items():
            used[c, d, t, p] += n
        return [Violation("supply", _fmt(cell), n - self.supply.get(cell, 0))
                for cell, n in used.items() if n > self.supply.get(cell, 0)]

    def _eligibility(self, x):
        """x only for t in E(g) -- except in realised periods, whose rows are facts."""
        return [Violation("eligibility", _fmt(key), n) for key, n in x.items()
                if self.position.get(key[4], 0) > self.fixed_through
                and key[0] in self.eligible and key[1] not in self.eligible[key[0]]]

    def _arrivals(self, x):
        """Nobody is housed before arriving: C[g,p] <= waiting_start + inflow up to p."""
        cumulative = self.cumulative(x)
        out = []
        for (g, p), c in cumulative.items():
            if c > self.arrived(g, p):
                out.append(Violation("arrivals", f"{g}, {self.periods[p - 1]}", c - self.arrived(g, p)))
        return out

    def _bounds(self, x):
        housed, cumulative = self.housed(x), self.cumulative(x)
        out = []
        for g in self.groups:
            spec, total = self.spec[g], cumulative[g, self.n]
            if spec.get("min_housed") is not None and total < spec["min_housed"]:
                out.append(Violation("min_housed", g, spec["min_housed"] - total))
            if spec.get("max_housed") is not None and total > spec["max_housed"]:
                out.append(Violation("max_housed", g, total - spec["max_housed"]))
            for k, p in enumerate(self.periods, start=1):
                low = (spec.get("min_housed_per_period") or [None] * self.n)[k - 1]
                high = (spec.get("max_housed_per_period") or [None] * self.n)[k - 1]
                if low is not None and housed[g, k] < low:
                    out.append(Violation("min_housed_per_period", f"{g}, {p}", low - housed[g, k]))
                if high is not None and housed[g, k] > high:
                    out.append(Violation("max_housed_per_period", f"{g}, {p}", housed[g, k] - high))
            for entry in spec.get("min_cumulative") or []:
                k = self.position[str(entry["period"])]
                if cumulative[g, k] < entry["dwellings"]:
                    out.append(Violation("min_cumulative", f"{g}, {entry['period']}",
                                         entry["dwellings"] - cumulative[g, k]))
        return out

    def supply_share(self, dimension: str) -> dict[str, float]:
        """s_e: element e's share of the total supply over the whole horizon."""
        elements = self.corporations if dimension == "corporation" else self.districts
        position = 0 if dimension == "corporation" else 1
        total = sum(self.supply.values())
        by_element = {e: 0 for e in elements}
        for cell, n in self.supply.items():
            by_element[cell[position]] = by_element.get(cell[position], 0) + n
        return {e: (n / total if total else 0.0) for e, n in by_element.items()}

    def _members(self, main_group) -> set[str]:
        """The groups of a main group; every group when the rule names none (extension)."""
        if main_group is None:
            return set(self.groups)
        return {g for g in self.groups if self.main_group[g] == str(main_group)}

    def _spreading(self, x):
        """(1-tau) s_e A - 1 <= a_e <= (1+tau) s_e A + 1 for every element e."""
        out = []
        for rule in self.spreading:
            dimension, tau = rule["dimension"], float(rule["tolerance"])
            members = self._members(rule.get("main_group"))
            column = 2 if dimension == "corporation" else 3
            placed = [(key[column], n) for key, n in x.items() if key[0] in members]
            total = sum(n for _, n in placed)
            for e, share in self.supply_share(dimension).items():
                a_e = sum(n for element, n in placed if element == e)
                low = (1 - tau) * share * total - 1
                high = (1 + tau) * share * total + 1
                where = f"{dimension} {e} for {rule.get('main_group')}"
                if a_e < low - EPS:
                    out.append(Violation("spreading", where + " (lower)", low - a_e))
                if a_e > high + EPS:
                    out.append(Violation("spreading", where + " (upper)", a_e - high))
        return out

    def _district_caps(self, x):
        out = []
        for cap in self.district_caps:
            members = self._members(cap.get("main_group"))
            period = cap.get("period")
            placed = sum(n for (g, t, c, d, p), n in x.items()
                         if d == str(cap["district"]) and g in members
                         and (period is None or p == str(period)))
            if placed > cap["max_dwellings"]:
                out.append(Violation("district_cap", f"{cap['district']} {cap.get('main_group')} "
                                     f"{period}", placed - cap["max_dwellings"]))
        return out

    def _min_batch(self, x):
        """The group's total from each corporation over the horizon is 0 or >= the batch."""
        out = []
        for rule in self.min_batch:
            g, batch = str(rule["group"]), rule["dwellings"]
            for c in self.corporations:
                total = sum(n for key, n in x.items() if key[0] == g and key[2] == c)
                if 0 < total < batch:
                    out.append(Violation("min_batch", f"{g} from {c}", batch - total))
        return out

    def _realised(self, x):
        """Periods 1..fixed_through: x equals the realised allocations, zero where none."""
        out = []
        fixed = {k for k in x if self.position.get(k[4], 0) <= self.fixed_through}
        for key in fixed | set(self.realised):
            if x.get(key, 0) != self.realised.get(key, 0):
                out.append(Violation("realised", _fmt(key),
                                     abs(x.get(key, 0) - self.realised.get(key, 0))))
        return out

    # ------------------------------------------------------------------ §3 objective

    def objective_terms(self, allocation: Any) -> dict[str, float]:
        x, _ = self.normalise(allocation)
        cumulative = self.cumulative(x)
        overdue = sum(self.weight[g] * self.months_per_period
                      * max(0.0, self.due(g, p) - cumulative[g, p])
                      for g in self.groups for p in range(1, self.n + 1))
        deviation = sum(abs(cumulative[g, self.n] - self.quota[g])
                        for g in self.groups if self.quota[g] is not None)
        return {"overdue": overdue,
                "quota_deviation": self.quota_weight * deviation,
                "housing_reward": -self.housing_reward * sum(x.values())}

    def objective(self, allocation: Any) -> float:
        """sum w_g mpp O[g,p] + quota_weight sum |C[g,n] - quota_g| - housing_reward sum x,
        O = max(0, Due - C); realised dwellings count like any other."""
        return sum(self.objective_terms(allocation).values())

    # ------------------------------------------------------------------ §4 KPIs

    def overdue_household_months(self, allocation: Any) -> dict[str, float]:
        """Unweighted: months_per_period * sum_p O[g,p]."""
        x, _ = self.normalise(allocation)
        cumulative = self.cumulative(x)
        return {g: self.months_per_period * sum(max(0.0, self.due(g, p) - cumulative[g, p])
                                                for p in range(1, self.n + 1))
                for g in self.groups}

    def within_target(self, allocation: Any) -> dict[str, int]:
        """Households housed within the target, first come first served.

        Done by queue positions rather than by draining cohorts: the cohorts, oldest first,
        occupy consecutive positions of the queue; the households housed in period p are the
        positions [C[p-1], C[p]). A household of cohort s housed in p is within the target
        when p - s <= L; the already-overdue start cohort never is."""
        x, _ = self.normalise(allocation)
        cumulative = self.cumulative(x)
        out = {}
        for g in self.groups:
            intervals, start = [], 0
            for arrival, size in self.cohorts(g):
                intervals.append((arrival, start, start + size))
                start += size
            within, before = 0, 0
            for p in range(1, self.n + 1):
                now = round(cumulative[g, p])
                for arrival, lo, hi in intervals:
                    overlap = max(0, min(hi, now) - max(lo, before))
                    if overlap and arrival != -math.inf and p - arrival <= self.lag[g]:
                        within += overlap
                before = now
            out[g] = within
        return out

    def share_within_target(self, allocation: Any) -> dict[str, float | None]:
        """within / housed over the horizon; None for a group housed nowhere."""
        x, _ = self.normalise(allocation)
        cumulative = self.cumulative(x)
        within = self.within_target(x)
        return {g: (within[g] / cumulative[g, self.n] if cumulative[g, self.n] else None)
                for g in self.groups}


# ---------------------------------------------------------------------- module-level helpers


def _rows(allocation: Any) -> Iterable[tuple[Key, float]]:
    if allocation is None:
        return []
    if hasattr(allocation, "itertuples"):  # a DataFrame
        frame = allocation
        return [(tuple(str(getattr(r, c)) for c in KEY_COLUMNS), r.dwellings)
                for r in frame.itertuples(index=False)]
    if isinstance(allocation, Mapping):
        return [(tuple(str(v) for v in k), n) for k, n in allocation.items()]
    return [(tuple(str(r[c]) for c in KEY_COLUMNS), r["dwellings"]) for r in allocation]


def _fmt(key: tuple) -> str:
    return ", ".join(map(str, key))


def violations(scenario: Any, allocation: Any) -> list[Violation]:
    return Instance(scenario).violations(allocation)


def objective(scenario: Any, allocation: Any) -> float:
    return Instance(scenario).objective(allocation)


def families(found: Iterable[Violation]) -> set[str]:
    """The rule families (bounds, spreading, district_caps, min_batch) among violations."""
    return {RULE_FAMILIES[v.rule] for v in found if v.rule in RULE_FAMILIES}
