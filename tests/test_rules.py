"""One tiny scenario per rule of spec §3, each with its optimum worked out by hand.

Every test asserts the optimal objective *and* the allocation (or the totals the rule fixes).
Notation in the comments: O = overdue at the end of a period, cost of O is
weight * months_per_period * O; the housing reward is 0.01 per dwelling unless said otherwise.
"""

from __future__ import annotations

import pytest

from quota_opt import SolveOptions, Status, parse_scenario, solve_scenario

try:
    from .builders import scenario_dict
except ImportError:  # tests/ on sys.path rather than a package
    from builders import scenario_dict

# ----------------------------------------------------------------------------- helpers


def make_scenario(groups, supply, *, periods=("Q1",), **fields):
    """builders.scenario_dict over one quarter, named 'rule test'."""
    return scenario_dict(groups, supply, periods=periods, name="rule test", **fields)


def solve(raw):
    solution = solve_scenario(parse_scenario(raw, "rule test"), SolveOptions(mip_gap=0))
    assert solution.status is Status.OPTIMAL, solution.message
    return solution


def totals(solution, *by) -> dict:
    """Dwellings summed by the given allocation columns; zero totals left out."""
    frame = solution.allocation
    if not len(frame):
        return {}
    grouped = frame.groupby(list(by))["dwellings"].sum()
    return {key: int(n) for key, n in grouped.items() if n}


def allocation(solution) -> dict:
    return totals(solution, "group", "dwelling_type", "corporation", "district", "period")


def housed(solution) -> dict:
    """(group, period) -> housed, zeros included (from the KPIs)."""
    frame = solution.plan.kpis.housed
    return {(r.group, r.period): int(r.housed) for r in frame.itertuples(index=False)}


# -------------------------------------------------------------- rule 4: spreading


def spreading_scenario(dimension: str, tolerance: float | None):
    """Two elements e1, e2 of `dimension` with 6 dwellings each over the horizon, so s_e = 1/2:
    e1 offers 6 of type a, e2 offers 2 of type a and 4 of type b.
    g (main group m1, type a) has 8 overdue; h (m2, type b) has 4 overdue and takes all b.
    Only m1 is spread."""
    if dimension == "corporation":
        kw = dict(corporations=("e1", "e2"), districts=("d1",))
        supply = [("e1", "d1", "a", "Q1", 6), ("e2", "d1", "a", "Q1", 2), ("e2", "d1", "b", "Q1", 4)]
    else:
        kw = dict(corporations=("c1",), districts=("e1", "e2"))
        supply = [("c1", "e1", "a", "Q1", 6), ("c1", "e2", "a", "Q1", 2), ("c1", "e2", "b", "Q1", 4)]
    rules = {}
    if tolerance is not None:
        rules["spreading"] = [{"dimension": dimension, "main_group": "m1", "tolerance": tolerance}]
    groups = [
        {"id": "g", "main_group": "m1", "eligible_types": ["a"], "waiting_start": 8, "overdue_start": 8},
        {"id": "h", "main_group": "m2", "eligible_types": ["b"], "waiting_start": 4, "overdue_start": 4},
    ]
    return make_scenario(groups, supply, types=("a", "b"), main_groups=("m1", "m2"), rules=rules, **kw)


@pytest.mark.parametrize("dimension", ["corporation", "district"])
@pytest.mark.parametrize("tolerance, g_split, objective", [
    # tau = 0: a_e1 <= A/2 + 1 with A = a_e1 + a_e2  =>  a_e1 <= a_e2 + 2 <= 4: g gets 4 + 2 = 6,
    # O_g = 2 -> 1*3*2 = 6; reward -(6 + 4)*0.01  =>  5.90. (The split 4/2 is A/2 +- 1.)
    (0.0, (4, 2), 5.90),
    # tau = 0.2: a_e1 <= 0.6 A + 1  =>  0.4 a_e1 <= 0.6*2 + 1  =>  a_e1 <= 5.5 -> 5; A = 7,
    # O_g = 1 -> 3; reward -0.11  =>  2.89. (a_e1 = 6 would need 6 <= 0.6*8 + 1 = 5.8.)
    (0.2, (5, 2), 2.89),
    # tau = 1: bounds 0 - 1 <= a_e <= A + 1 never bind: g gets all 8, O = 0  =>  -0.12.
    (1.0, (6, 2), -0.12),
    # no spreading rule: the same as tau = 1.
    (None, (6, 2), -0.12),
])
def test_spreading_over_the_dimension_in_proportion_to_supply(dimension, tolerance, g_split, objective):
    solution = solve(spreading_scenario(dimension, tolerance))
    assert solution.objective == pytest.approx(objective, abs=1e-6)
    g = solution.allocation[solution.allocation.group == "g"]
    by_element = g.groupby(dimension)["dwellings"].sum().to_dict()
    assert (by_element.get("e1", 0), by_element.get("e2", 0)) == g_split
    # h (main group m2) is not spread: it takes all 4 b dwellings in e2.
    assert totals(solution, "group") == {"g": sum(g_split), "h": 4}


@pytest.mark.parametrize("dimension", ["corporation", "district"])
def test_spreading_lower_bound_limits_the_total(dimension):
    """e1 offers 12 of type a, e2 only 3 of type b (which g cannot use): s = 0.8 / 0.2.
    tau = 0.5: the lower bound of e2 reads 0 >= 0.5*0.2*A - 1, so A <= 10; the upper bound of
    e1 (a_e1 <= 1.2 A + 1) never binds. g (12 overdue) gets 10: O = 2 -> 6; h gets its 3 b;
    reward -0.13  =>  5.87."""
    if dimension == "corporation":
        kw = dict(corporations=("e1", "e2"), districts=("d1",))
        supply = [("e1", "d1", "a", "Q1", 12), ("e2", "d1", "b", "Q1", 3)]
    else:
        kw = dict(corporations=("c1",), districts=("e1", "e2"))
        supply = [("c1", "e1", "a", "Q1", 12), ("c1", "e2", "b", "Q1", 3)]
    groups = [
        {"id": "g", "main_group": "m1", "eligible_types": ["a"], "waiting_start": 12, "overdue_start": 12},
        {"id": "h", "main_group": "m2", "eligible_types": ["b"], "waiting_start": 3, "overdue_start": 3},
    ]
    raw = make_scenario(groups, supply, types=("a", "b"), main_groups=("m1", "m2"), rules={
        "spreading": [{"dimension": dimension, "main_group": "m1", "tolerance": 0.5}]}, **kw)
    solution = solve(raw)
    assert solution.objective == pytest.approx(5.87, abs=1e-6)
    assert totals(solution, "group") == {"g": 10, "h": 3}


# ------------------------------------------------------------ rule 5: district caps


def cap_scenario(caps):
    """d1 offers 8, d2 offers 2 (type a, Q1). g1 (m1, weight 2) and g2 (m2, weight 1) have 6
    overdue each. Without caps g1 takes 6 and g2 the other 4: O_g2 = 2 -> 1*3*2 = 6,
    reward -0.10  =>  5.90."""
    groups = [
        {"id": "g1", "main_group": "m1", "weight": 2, "waiting_start": 6, "overdue_start": 6},
        {"id": "g2", "main_group": "m2", "weight": 1, "waiting_start": 6, "overdue_start": 6},
    ]
    return make_scenario(groups, [("c1", "d1", "a", "Q1", 8), ("c1", "d2", "a", "Q1", 2)],
                         districts=("d1", "d2"), main_groups=("m1", "m2"),
                         rules={"district_caps": caps})


def test_without_a_cap_the_heavier_group_is_housed_first():
    solution = solve(cap_scenario([]))
    assert solution.objective == pytest.approx(5.90, abs=1e-6)
    assert totals(solution, "group") == {"g1": 6, "g2": 4}


def test_district_cap_for_a_main_group():
    """Cap d1 for m1 at 3: g1 gets 3 in d1 + 2 in d2 = 5 (O = 1 -> 2*3 = 6); g2 gets the 5 left
    in d1 (O = 1 -> 3); reward -0.10  =>  8.90."""
    solution = solve(cap_scenario([{"district": "d1", "main_group": "m1", "period": None,
                                    "max_dwellings": 3}]))
    assert solution.objective == pytest.approx(8.90, abs=1e-6)
    assert totals(solution, "group", "district") == {("g1", "d1"): 3, ("g1", "d2"): 2, ("g2", "d1"): 5}


def test_district_cap_for_another_main_group_only_restricts_that_one():
    """Cap d1 for m2 at 3: g1 still gets 6 and g2 4, as long as g2 takes at most 3 in d1
    (so g2 takes the d2 dwellings): objective 5.90 as without caps."""
    solution = solve(cap_scenario([{"district": "d1", "main_group": "m2", "max_dwellings": 3}]))
    assert solution.objective == pytest.approx(5.90, abs=1e-6)
    assert totals(solution, "group") == {"g1": 6, "g2": 4}
    assert totals(solution, "group", "district").get(("g2", "d1"), 0) <= 3


def test_district_cap_without_main_group_covers_all_groups():
    """Cap d1 at 3 for everybody: at most 3 + 2 = 5 are housed, all to g1 (weight 2):
    O_g1 = 1 -> 6, O_g2 = 6 -> 18, reward -0.05  =>  23.95."""
    solution = solve(cap_scenario([{"district": "d1", "main_group": None, "period": None,
                                    "max_dwellings": 3}]))
    assert solution.objective == pytest.approx(23.95, abs=1e-6)
    assert totals(solution, "group", "district") == {("g1", "d1"): 3, ("g1", "d2"): 2}


def test_district_cap_in_one_period():
    """Q1: d1 offers 4, d2 offers 1; Q2: d1 offers 4. g has 4 overdue. Cap d1 for m1 in Q1 at 1:
    Q1 houses 1 (d1) + 1 (d2) = 2, O = 2 -> 6; Q2 houses the other 2 in d1, O = 0.
    Reward -0.04  =>  5.96. (Without the cap: all 4 in Q1, -0.04.)"""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 4, "overdue_start": 4}],
        [("c1", "d1", "a", "Q1", 4), ("c1", "d2", "a", "Q1", 1), ("c1", "d1", "a", "Q2", 4)],
        periods=("Q1", "Q2"), districts=("d1", "d2"),
        rules={"district_caps": [{"district": "d1", "main_group": "m1", "period": "Q1",
                                  "max_dwellings": 1}]})
    solution = solve(raw)
    assert solution.objective == pytest.approx(5.96, abs=1e-6)
    assert totals(solution, "district", "period") == {("d1", "Q1"): 1, ("d2", "Q1"): 1, ("d1", "Q2"): 2}
    raw["rules"]["district_caps"] = []
    assert solve(raw).objective == pytest.approx(-0.04, abs=1e-6)


# --------------------------------------------------------------- rule 6: min batch


def test_min_batch_larger_than_a_corporations_supply_excludes_it():
    """c1 offers 2, c2 offers 5; g has 7 overdue; batch 3. c1 can give 0 or >= 3 but has only 2,
    so 0: g gets 5 from c2, O = 2 -> 6, reward -0.05  =>  5.95. (No batch: all 7, -0.07.)"""
    raw = make_scenario([{"id": "g", "waiting_start": 7, "overdue_start": 7}],
                        [("c1", "d1", "a", "Q1", 2), ("c2", "d1", "a", "Q1", 5)],
                        corporations=("c1", "c2"),
                        rules={"min_batch": [{"group": "g", "dwellings": 3}]})
    solution = solve(raw)
    assert solution.objective == pytest.approx(5.95, abs=1e-6)
    assert totals(solution, "corporation") == {"c2": 5}
    raw["rules"]["min_batch"] = []
    solution = solve(raw)
    assert solution.objective == pytest.approx(-0.07, abs=1e-6)
    assert totals(solution, "corporation") == {"c1": 2, "c2": 5}


@pytest.mark.parametrize("demand, supply_c1, supply_c2, objective, corporation_totals", [
    # demand 5, 4 + 4 on offer, batch 3: each corporation gives 0, 3 or 4; 3 + 3 > 5 arrivals,
    # so one corporation gives 4: O = 1 -> 3, reward -0.04  =>  2.96.
    (5, 4, 4, 2.96, [4]),
    # demand 6, 3 + 4 on offer: 3 + 3 = 6 is the only way to house everyone (4 + x needs
    # x <= 2, i.e. x = 0)  =>  -0.06, batch satisfied at both corporations.
    (6, 3, 4, -0.06, [3, 3]),
])
def test_min_batch_when_the_batch_can_be_met(demand, supply_c1, supply_c2, objective, corporation_totals):
    raw = make_scenario([{"id": "g", "waiting_start": demand, "overdue_start": demand}],
                        [("c1", "d1", "a", "Q1", supply_c1), ("c2", "d1", "a", "Q1", supply_c2)],
                        corporations=("c1", "c2"),
                        rules={"min_batch": [{"group": "g", "dwellings": 3}]})
    solution = solve(raw)
    assert solution.objective == pytest.approx(objective, abs=1e-6)
    assert sorted(totals(solution, "corporation").values()) == corporation_totals


def test_min_batch_counts_the_whole_horizon():
    """c1 offers 2 in Q1 and 1 in Q2; g has 3 overdue; batch 3. Over the horizon c1 can give 3,
    so the batch is met across periods: Q1 2 (O = 1 -> 3), Q2 1 (O = 0); reward -0.03 => 2.97."""
    raw = make_scenario([{"id": "g", "waiting_start": 3, "overdue_start": 3}],
                        [("c1", "d1", "a", "Q1", 2), ("c1", "d1", "a", "Q2", 1)],
                        periods=("Q1", "Q2"),
                        rules={"min_batch": [{"group": "g", "dwellings": 3}]})
    solution = solve(raw)
    assert solution.objective == pytest.approx(2.97, abs=1e-6)
    assert totals(solution, "period") == {"Q1": 2, "Q2": 1}


def test_min_batch_counts_realised_dwellings():
    """Realised through Q1: g got 1 dwelling from c1. Q2: c1 and c2 offer 3 each. g has 5
    overdue, batch 3. From c1 the total is 1 + a >= 3, so a >= 2; from c2, b = 0 or 3; and
    1 + a + b <= 5 arrivals. b = 3 would need a <= 1: so b = 0, a = 3 (the most c1 has).
    O = 4 after Q1 (12), 1 after Q2 (3); reward -0.04  =>  14.96.
    (Without the batch: a + b = 4, O = 0 after Q2: 12 - 0.05 = 11.95.)"""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 5, "overdue_start": 5}],
        [("c1", "d1", "a", "Q1", 1), ("c1", "d1", "a", "Q2", 3), ("c2", "d1", "a", "Q2", 3)],
        periods=("Q1", "Q2"), corporations=("c1", "c2"),
        rules={"min_batch": [{"group": "g", "dwellings": 3}]},
        realised={"fixed_through": "Q1", "allocations": [
            {"group": "g", "dwelling_type": "a", "corporation": "c1", "district": "d1",
             "period": "Q1", "dwellings": 1}]})
    solution = solve(raw)
    assert solution.objective == pytest.approx(14.96, abs=1e-6)
    assert totals(solution, "corporation", "period") == {("c1", "Q1"): 1, ("c1", "Q2"): 3}
    raw["rules"]["min_batch"] = []
    assert solve(raw).objective == pytest.approx(11.95, abs=1e-6)


# ------------------------------------------------------------------- rule 1: supply


def test_supply_rows_of_the_same_cell_add_up():
    """Two rows for one cell, 1 + 2 dwellings; g has 5 overdue: 3 housed, O = 2 -> 6;
    reward -0.03  =>  5.97."""
    raw = make_scenario([{"id": "g", "waiting_start": 5, "overdue_start": 5}],
                        [("c1", "d1", "a", "Q1", 1), ("c1", "d1", "a", "Q1", 2)])
    solution = solve(raw)
    assert solution.objective == pytest.approx(5.97, abs=1e-6)
    assert allocation(solution) == {("g", "a", "c1", "d1", "Q1"): 3}


def test_only_eligible_types_are_allocated():
    """Q1 offers 3 a and 4 b; g can only use a: 3 housed of 5 overdue, O = 2 -> 6;
    reward -0.03  =>  5.97."""
    raw = make_scenario([{"id": "g", "eligible_types": ["a"], "waiting_start": 5, "overdue_start": 5}],
                        [("c1", "d1", "a", "Q1", 3), ("c1", "d1", "b", "Q1", 4)], types=("a", "b"))
    solution = solve(raw)
    assert solution.objective == pytest.approx(5.97, abs=1e-6)
    assert allocation(solution) == {("g", "a", "c1", "d1", "Q1"): 3}


# -------------------------------------------------------------- rule 3: group bounds


def competition(**lo_or_hi):
    """Q1 and Q2 offer 4 dwellings each. hi (weight 5): 4 overdue, inflow 4 in Q1, so
    Due = 4, 8. lo (weight 1): 4 overdue, Due = 4, 4. Fill every dwelling (the reward does);
    with lo getting l1, l2 and hi the rest:
      cost = 15 (2 l1 + l2) + 3 (8 - 2 l1 - l2) = 24 + 12 (2 l1 + l2),  minus 0.08 reward.
    Unbounded: l1 = l2 = 0  =>  23.92. Bounds are given as hi_<field>= / lo_<field>=."""
    hi = {"id": "hi", "weight": 5, "waiting_start": 4, "overdue_start": 4, "inflow": [4, 0]}
    lo = {"id": "lo", "weight": 1, "waiting_start": 4, "overdue_start": 4, "inflow": [0, 0]}
    for key, value in lo_or_hi.items():
        who, field = key.split("_", 1)
        (hi if who == "hi" else lo)[field] = value
    return make_scenario([hi, lo], [("c1", "d1", "a", "Q1", 4), ("c1", "d1", "a", "Q2", 4)],
                         periods=("Q1", "Q2"))


@pytest.mark.parametrize("bounds, objective, expected_housed", [
    ({}, 23.92, {"hi": (4, 4), "lo": (0, 0)}),
    # C_lo[Q1] >= 2: l1 = 2, l2 = 0: 24 + 12*4 = 72  =>  71.92
    ({"lo_min_cumulative": [{"period": "Q1", "dwellings": 2}]}, 71.92, {"hi": (2, 4), "lo": (2, 0)}),
    # C_lo[Q2] >= 2: cheapest as late as possible, l1 = 0, l2 = 2: 24 + 24  =>  47.92
    ({"lo_min_cumulative": [{"period": "Q2", "dwellings": 2}]}, 47.92, {"hi": (4, 2), "lo": (0, 2)}),
    # H_lo[Q1] >= 2  =>  as C_lo[Q1] >= 2
    ({"lo_min_housed_per_period": [2, None]}, 71.92, {"hi": (2, 4), "lo": (2, 0)}),
    # H_lo[Q2] >= 2  =>  l2 = 2: 47.92
    ({"lo_min_housed_per_period": [None, 2]}, 47.92, {"hi": (4, 2), "lo": (0, 2)}),
    # H_hi[Q1] <= 1: lo gets the other 3 in Q1, hi all 4 in Q2:
    # hi O = 3, 3 -> 15*6 = 90; lo O = 1, 1 -> 6; => 96 - 0.08 = 95.92
    ({"hi_max_housed_per_period": [1, None]}, 95.92, {"hi": (1, 4), "lo": (3, 0)}),
    # C_lo[Q2] >= 3: l2 = 3: 24 + 36  =>  59.92
    ({"lo_min_housed": 3}, 59.92, {"hi": (4, 1), "lo": (0, 3)}),
    # C_hi[Q2] <= 6: hi keeps Q1 (4) and 2 of Q2; lo gets the other 2 in Q2: 24 + 24  =>  47.92
    ({"hi_max_housed": 6}, 47.92, {"hi": (4, 2), "lo": (0, 2)}),
], ids=["none", "min_cumulative-Q1", "min_cumulative-Q2", "min_per_period-Q1",
        "min_per_period-Q2", "max_per_period-Q1", "min_housed", "max_housed"])
def test_group_bounds(bounds, objective, expected_housed):
    solution = solve(competition(**bounds))
    assert solution.objective == pytest.approx(objective, abs=1e-6)
    got = housed(solution)
    assert {g: (got[g, "Q1"], got[g, "Q2"]) for g in ("hi", "lo")} == expected_housed


# ------------------------------------------------------------ rule 2: the queue, L


@pytest.mark.parametrize("override, due, objective", [
    # L = 3/3 = 1: Due[Q1] = 1 + (4 - 1) = 4; Due[Q2] = 4 + inflow[Q1] = 6. One dwelling a
    # quarter: C = 1, 2; O = 3, 4 -> 1*3*7 = 21; reward -0.02  =>  20.98.
    (None, [4, 6], 20.98),
    # L = 6/3 = 2: Due[Q1] = overdue_start = 1; Due[Q2] = 1 + 3 = 4 (no inflow is due yet).
    # O = 0, 2 -> 6; reward -0.02  =>  5.98.
    (6, [1, 4], 5.98),
])
def test_group_target_months_override_changes_due(override, due, objective):
    group = {"id": "g", "waiting_start": 4, "overdue_start": 1, "inflow": [2, 2]}
    if override is not None:
        group["target_months"] = override
    raw = make_scenario([group], [("c1", "d1", "a", "Q1", 1), ("c1", "d1", "a", "Q2", 1)],
                        periods=("Q1", "Q2"))
    solution = solve(raw)
    assert solution.objective == pytest.approx(objective, abs=1e-6)
    assert solution.plan.kpis.housed.due.tolist() == due
    assert totals(solution, "period") == {"Q1": 1, "Q2": 1}


def test_months_per_period_one_with_target_three():
    """Monthly periods, target 3 months: L = 3. waiting 2 (none overdue), inflow 1 a month.
    Due = 0, 0, 2 (start queue due at p >= 3), 3 (+ inflow of month 1).
    One dwelling in months 3 and 4: C = 0, 0, 1, 2; O = 0, 0, 1, 1 -> 1*1*2 = 2;
    reward -0.02  =>  1.98."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 2, "overdue_start": 0, "inflow": [1, 1, 1, 1]}],
        [("c1", "d1", "a", "M3", 1), ("c1", "d1", "a", "M4", 1)],
        periods=("M1", "M2", "M3", "M4"), months_per_period=1, target_months=3)
    solution = solve(raw)
    assert solution.objective == pytest.approx(1.98, abs=1e-6)
    assert solution.plan.kpis.housed.due.tolist() == [0, 0, 2, 3]
    assert totals(solution, "period") == {"M3": 1, "M4": 1}
    group_kpis = solution.plan.kpis.groups.set_index("group")
    assert group_kpis.loc["g", "overdue_household_months"] == pytest.approx(2)


# ---------------------------------------------------------------- rule 7: realised


def test_realised_allocations_are_kept_and_the_rest_optimised():
    """Q1 offers 3 a + 2 b, Q2 offers 3 a. g (type a only, weight 1) has 6 overdue; h (type a,
    weight 2) has 2 overdue. Realised through Q1: g got 2 b (not an eligible type: a fact, kept)
    and h got 1 a; the 2 other a dwellings of Q1 stay unused (zero where none is given).
    After Q1: O_g = 4 -> 12, O_h = 1 -> 2*3 = 6. Q2: h (weight 2) gets 1, g gets 2:
    O_g = 2 -> 6, O_h = 0. Reward -(2 + 1 + 3)*0.01  =>  24 - 0.06 = 23.94."""
    raw = make_scenario(
        [{"id": "g", "eligible_types": ["a"], "weight": 1, "waiting_start": 6, "overdue_start": 6},
         {"id": "h", "eligible_types": ["a"], "weight": 2, "waiting_start": 2, "overdue_start": 2}],
        [("c1", "d1", "a", "Q1", 3), ("c1", "d1", "b", "Q1", 2), ("c1", "d1", "a", "Q2", 3)],
        periods=("Q1", "Q2"), types=("a", "b"),
        realised={"fixed_through": "Q1", "allocations": [
            {"group": "g", "dwelling_type": "b", "corporation": "c1", "district": "d1",
             "period": "Q1", "dwellings": 2},
            {"group": "h", "dwelling_type": "a", "corporation": "c1", "district": "d1",
             "period": "Q1", "dwellings": 1},
        ]})
    solution = solve(raw)
    assert solution.objective == pytest.approx(23.94, abs=1e-6)
    assert allocation(solution) == {
        ("g", "b", "c1", "d1", "Q1"): 2,
        ("h", "a", "c1", "d1", "Q1"): 1,
        ("g", "a", "c1", "d1", "Q2"): 2,
        ("h", "a", "c1", "d1", "Q2"): 1,
    }
    # Without realised rows nobody can use the b dwellings and all of Q1's a dwellings are
    # used: h (weight 2) first: h 2, g 1; Q2: g 3. O_g = 5, 2 -> 21; O_h = 0  =>  20.94.
    del raw["realised"]
    solution = solve(raw)
    assert solution.objective == pytest.approx(20.94, abs=1e-6)
    assert totals(solution, "group", "period") == {("h", "Q1"): 2, ("g", "Q1"): 1, ("g", "Q2"): 3}


def test_realised_through_the_last_period_fixes_everything():
    """fixed_through = the only period and no rows: nothing may be allocated at all.
    O = 3 -> 9  =>  9.00, empty allocation."""
    raw = make_scenario([{"id": "g", "waiting_start": 3, "overdue_start": 3}],
                        [("c1", "d1", "a", "Q1", 5)],
                        realised={"fixed_through": "Q1", "allocations": []})
    solution = solve(raw)
    assert solution.objective == pytest.approx(9.0, abs=1e-6)
    assert allocation(solution) == {}


# ------------------------------------------------------ objective: quota and reward


def quota_scenario(quota, quota_weight, reward=0.01):
    """One quarter, g's target 6 months, so Due = overdue_start = 0: only the quota term and
    the reward matter. 10 waiting, 10 dwellings."""
    return make_scenario(
        [{"id": "g", "target_months": 6, "waiting_start": 10, "overdue_start": 0, "quota": quota}],
        [("c1", "d1", "a", "Q1", 10)],
        rules={"quota_weight": quota_weight, "housing_reward": reward})


@pytest.mark.parametrize("quota, quota_weight, expected_housed, objective", [
    # housing n costs 0.5 |n - 4| - 0.01 n: n = 4  =>  -0.04
    (4, 0.5, 4, -0.04),
    # quota_weight 0: the quota is only a report, the reward fills: n = 10  =>  -0.10
    (4, 0.0, 10, -0.10),
    # quota above what can be housed: n = 10, 0.5*2 - 0.10  =>  0.90
    (12, 0.5, 10, 0.90),
    # quota_weight below the reward: each dwelling beyond the quota still gains 0.005:
    # n = 10, 0.005*6 - 0.10  =>  -0.07
    (4, 0.005, 10, -0.07),
])
def test_quota_deviation(quota, quota_weight, expected_housed, objective):
    solution = solve(quota_scenario(quota, quota_weight))
    assert solution.objective == pytest.approx(objective, abs=1e-6)
    assert totals(solution, "group") == {"g": expected_housed}
    kpis = solution.plan.kpis.groups.set_index("group")
    assert kpis.loc["g", "quota_deviation"] == expected_housed - quota


@pytest.mark.parametrize("reward, objective", [(0.01, -0.03), (0.25, -0.75)])
def test_housing_reward_houses_whoever_has_arrived(reward, objective):
    """Nobody is overdue (target 6 months, one quarter): only the reward says to house anyone.
    3 waiting, 5 dwellings: all 3 (the arrival limit) are housed: -3 * reward."""
    raw = make_scenario([{"id": "g", "target_months": 6, "waiting_start": 3}],
                        [("c1", "d1", "a", "Q1", 5)], rules={"housing_reward": reward})
    solution = solve(raw)
    assert solution.objective == pytest.approx(objective, abs=1e-6)
    assert totals(solution, "group") == {"g": 3}


def test_without_reward_nothing_is_gained_by_housing_nobody_overdue():
    raw = make_scenario([{"id": "g", "target_months": 6, "waiting_start": 3}],
                        [("c1", "d1", "a", "Q1", 5)], rules={"housing_reward": 0})
    solution = solve(raw)
    assert solution.objective == pytest.approx(0.0, abs=1e-6)
    assert sum(totals(solution, "group").values()) <= 3


def test_reward_breaks_the_tie_towards_using_a_dwelling():
    """Two groups, 1 overdue each, weights 1; 3 dwellings. Both overdue are housed (-6 cost
    avoided), and the reward uses the third dwelling for somebody who has arrived but is not
    yet overdue (g has 2 waiting, 1 of them overdue): 3 housed  =>  -0.03."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 2, "overdue_start": 1, "target_months": 6},
         {"id": "h", "waiting_start": 1, "overdue_start": 1, "target_months": 6}],
        [("c1", "d1", "a", "Q1", 3)])
    solution = solve(raw)
    assert solution.objective == pytest.approx(-0.03, abs=1e-6)
    assert totals(solution, "group") == {"g": 2, "h": 1}
