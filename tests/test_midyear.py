"""The mid-year re-solve, worked out by hand: realised periods (spec §3 rule 7), the commitment
lag, self-searching groups, plan stability, the fair objective, what changed, and the checks
on the extensions' input.

Every case is solved with gap 0 by both formulations and asserts the optimum *and* the
allocation. Notation in the comments: months_per_period 3 and target 3 months, so L = 1 and
Due[g,p] = waiting_start + inflow before p; O = max(0, Due - C) and one overdue household costs
weight * 3 per period; the housing reward is 0.01 per dwelling; S = the stability term
(stability_weight * sum over contingents (g,c,t,p) of |revised - previous|).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quota_opt import SolveOptions, Status, parse_scenario, solve_scenario
from quota_opt.changes import dwellings_moved, what_changed
from quota_opt.cli import main as cli_main
from quota_opt.data import ModelData
from quota_opt.export import summary_dict
from quota_opt.results import allocation_dict

try:
    from .builders import allocation_rows, scenario_dict
    from .checker import Instance
    from .oracle import _splits, brute_force
except ImportError:  # tests/ on sys.path rather than a package
    from builders import allocation_rows, scenario_dict
    from checker import Instance
    from oracle import _splits, brute_force

FORMULATIONS = ["aggregated", "reference"]

# ----------------------------------------------------------------------------- helpers


def make_scenario(groups, supply, *, periods=("Q1", "Q2", "Q3"), previous_plan=None, **fields):
    """builders.scenario_dict over three quarters, named 'mid-year test'; `previous_plan` as
    tuples (group, dwelling_type, corporation, district, period, dwellings)."""
    return scenario_dict(groups, supply, periods=periods, name="mid-year test",
                         previous_plan=None if previous_plan is None else allocation_rows(previous_plan), **fields)



def solve(raw, formulation):
    solution = solve_scenario(parse_scenario(raw, "mid-year test"),
                              SolveOptions(mip_gap=0, formulation=formulation))
    assert solution.status is Status.OPTIMAL, solution.message
    return solution


def allocation(solution) -> dict:
    """(group, dwelling_type, corporation, district, period) -> dwellings, zeros left out."""
    return {k: n for k, n in allocation_dict(solution.allocation).items() if n}


def housed(solution) -> dict:
    frame = solution.plan.kpis.housed
    return {(r.group, r.period): int(r.housed) for r in frame.itertuples(index=False)}


def in_period(alloc: dict, period: str) -> dict:
    return {k: n for k, n in alloc.items() if k[4] == period}


# ------------------------------------------------- realised periods (spec §3 rule 7)


def realised_scenario():
    """Types a and b, one corporation and district. g (eligible a, weight 1) waits 4, h
    (eligible a, weight 2) waits 2. Supply: Q1 2 of a and 1 of b, Q2 3 of a.
    Realised through Q1: g got the one b dwelling (ineligible for g: a fact all the same), and
    nobody got the two a dwellings of Q1.

    Q1 is fixed: C_g = 1, C_h = 0; O_g1 = 3 (cost 9), O_h1 = 2 (cost 2*3*2 = 12).
    Q2: 3 dwellings of a; h (weight 2) gets 2, g gets 1: O_g2 = 4 - 2 = 2 (cost 6), O_h2 = 0.
    Objective 9 + 12 + 6 - 0.01 * 4 = 26.96. (Without the realised rows the optimum houses g
    and h from Q1's a dwellings: the realised period really is fixed.)"""
    return make_scenario(
        [{"id": "g", "waiting_start": 4}, {"id": "h", "weight": 2, "waiting_start": 2}],
        [("c1", "d1", "a", "Q1", 2), ("c1", "d1", "b", "Q1", 1), ("c1", "d1", "a", "Q2", 3)],
        periods=("Q1", "Q2"), types=("a", "b"),
        realised={"fixed_through": "Q1",
                  "allocations": allocation_rows([("g", "b", "c1", "d1", "Q1", 1)])})


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_realised_period_is_fixed_including_an_ineligible_type(formulation):
    solution = solve(realised_scenario(), formulation)
    assert solution.objective == pytest.approx(26.96)
    assert allocation(solution) == {
        ("g", "b", "c1", "d1", "Q1"): 1,
        ("h", "a", "c1", "d1", "Q2"): 2,
        ("g", "a", "c1", "d1", "Q2"): 1,
    }
    assert housed(solution) == {("g", "Q1"): 1, ("h", "Q1"): 0, ("g", "Q2"): 1, ("h", "Q2"): 2}


def test_realised_resolve_matches_the_checker_and_the_brute_force_oracle():
    """An independent formulation (tests/checker.py, enumerated by tests/oracle.py) finds the
    same optimum, and the plan breaks none of its rules."""
    raw = realised_scenario()
    oracle = brute_force(Instance(raw))
    assert oracle.feasible and oracle.objective == pytest.approx(26.96)
    for formulation in FORMULATIONS:
        solution = solve(raw, formulation)
        instance = Instance(raw)
        assert instance.violations(solution.allocation) == []
        assert instance.objective(solution.allocation) == pytest.approx(oracle.objective)
        assert solution.objective == pytest.approx(oracle.objective)


def test_without_the_realised_rows_the_optimum_differs():
    """Sanity of the case above: free, Q1's two a dwellings go to h (weight 2) and Q2's to g:
    O_g1 = 4 (12), O_h1 = 0, O_g2 = 1 (3): 15 - 0.05 = 14.95."""
    raw = realised_scenario()
    del raw["realised"]
    solution = solve(raw, "aggregated")
    assert solution.objective == pytest.approx(14.95)
    assert housed(solution) == {("g", "Q1"): 0, ("h", "Q1"): 2, ("g", "Q2"): 3, ("h", "Q2"): 0}


# ------------------------------------------------------------------ commitment lag


def lag_scenario(commit_lag: int, stability_weight: float = 0.1):
    """Q1..Q3, type a at c1/d1. g (main group m1, weight 1) waits 3; h (m2, weight 3) waits 2.
    Supply of a: Q1 1, Q2 3, Q3 2. Realised through Q1: g got the one Q1 dwelling.
    The previous plan: Q1 h 1 (it went to g instead), Q2 g 2, Q3 h 2.

    commit_lag 1: Q2 stays exactly g 2 (its third dwelling is not used: the lag is fixed at
    the previous plan), Q3 goes to h (2), as before, so S = 0.
    O_g = 2, 0, 0 (cost 6); O_h = 2, 2, 0 (cost 9 * 4 = 36). 42 - 0.05 = 41.95.

    commit_lag 0: h (weight 3) first in Q2: Q2 h 2 + g 1, Q3 g 1.
    O_g = 2, 1, 0 (9); O_h = 2, 0, 0 (18); 27 - 0.05 = 26.95; contingents change by
    |1-2| + |2-0| (Q2) + |0-2| + |1-0| (Q3) = 6, so S = 0.6 and the objective 27.55.
    (Keeping the plan costs 41.95; giving h its dwelling in Q2 and Q3 halves costs 33.15.)"""
    return make_scenario(
        [{"id": "g", "waiting_start": 3}, {"id": "h", "main_group": "m2", "weight": 3, "waiting_start": 2}],
        [("c1", "d1", "a", "Q1", 1), ("c1", "d1", "a", "Q2", 3), ("c1", "d1", "a", "Q3", 2)],
        main_groups=("m1", "m2"),
        rules={"stability_weight": stability_weight},
        realised={"fixed_through": "Q1", "commit_lag": commit_lag,
                  "allocations": allocation_rows([("g", "a", "c1", "d1", "Q1", 1)])},
        previous_plan=[("h", "a", "c1", "d1", "Q1", 1), ("g", "a", "c1", "d1", "Q2", 2),
                       ("h", "a", "c1", "d1", "Q3", 2)])


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_commit_lag_keeps_the_previous_plan_exactly(formulation):
    solution = solve(lag_scenario(commit_lag=1), formulation)
    assert solution.objective == pytest.approx(41.95)
    alloc = allocation(solution)
    assert in_period(alloc, "Q2") == {("g", "a", "c1", "d1", "Q2"): 2}
    assert alloc == {("g", "a", "c1", "d1", "Q1"): 1, ("g", "a", "c1", "d1", "Q2"): 2,
                     ("h", "a", "c1", "d1", "Q3"): 2}
    assert solution.plan.evaluation.terms["stability"] == pytest.approx(0)


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_without_commit_lag_the_period_after_the_realised_is_reoptimised(formulation):
    solution = solve(lag_scenario(commit_lag=0), formulation)
    terms = solution.plan.evaluation.terms
    assert terms["overdue"] == pytest.approx(27)
    assert terms["housing_reward"] == pytest.approx(-0.05)
    assert terms["stability"] == pytest.approx(0.6)
    assert solution.objective == pytest.approx(27.55)
    assert allocation(solution) == {
        ("g", "a", "c1", "d1", "Q1"): 1,
        ("g", "a", "c1", "d1", "Q2"): 1, ("h", "a", "c1", "d1", "Q2"): 2,
        ("g", "a", "c1", "d1", "Q3"): 1,
    }


def test_dwellings_moved_hand_counted():
    """Lag 0: 6 contingent changes over Q2 and Q3 (see lag_scenario), 3 dwellings moved;
    lag 1: Q3 as planned, nothing moved; only Q3 is counted."""
    raw = lag_scenario(commit_lag=0)
    solution = solve(raw, "aggregated")
    data = ModelData(parse_scenario(raw))
    assert dwellings_moved(data, allocation(solution)) == {
        "contingent_changes": 6, "dwellings_moved": 3, "periods": ["Q2", "Q3"]}
    raw = lag_scenario(commit_lag=1)
    solution = solve(raw, "aggregated")
    data = ModelData(parse_scenario(raw))
    assert dwellings_moved(data, allocation(solution)) == {
        "contingent_changes": 0, "dwellings_moved": 0, "periods": ["Q3"]}


def test_what_changed_hand_checked():
    """Lag 0 (see lag_scenario): planned = previous plan, realised = Q1's facts, revised = the
    new plan with the realised rows; change = revised - planned; a 'total' row per id."""
    raw = lag_scenario(commit_lag=0)
    solution = solve(raw, "aggregated")
    frame = what_changed(ModelData(parse_scenario(raw)), allocation(solution))
    table = {(r.dimension, r.id, r.period): (r.planned, None if r.realised is None or r.realised != r.realised
                                               else r.realised, r.revised, r.change)
             for r in frame.astype(object).where(frame.notna(), None).itertuples(index=False)}
    expected_g = {"Q1": (0, 1, 1, 1), "Q2": (2, None, 1, -1), "Q3": (0, None, 1, 1), "total": (2, 1, 3, 1)}
    expected_h = {"Q1": (1, 0, 0, -1), "Q2": (0, None, 2, 2), "Q3": (2, None, 0, -2), "total": (3, 0, 2, -1)}
    expected_all = {"Q1": (1, 1, 1, 0), "Q2": (2, None, 3, 1), "Q3": (2, None, 1, -1), "total": (5, 1, 5, 0)}
    expected = {}
    for period in ("Q1", "Q2", "Q3", "total"):
        expected["group", "g", period] = expected_g[period]
        expected["group", "h", period] = expected_h[period]
        expected["main_group", "m1", period] = expected_g[period]
        expected["main_group", "m2", period] = expected_h[period]
        expected["dwelling_type", "a", period] = expected_all[period]
        expected["corporation", "c1", period] = expected_all[period]
    assert {k: tuple(v) for k, v in table.items()} == expected


# ------------------------------------------------------------ self-searching groups


def self_searching_scenario(stability_weight: float = 0.0):
    """Q1..Q3, type a. s is self-searching (weight 1, waits 6, forecast uptake 1, 2, 2);
    g (weight 3) waits 3. Supply of a: Q1 1, Q2 4, Q3 2. Realised through Q1: s took the Q1
    dwelling. Commitment lag 1; the previous plan gave Q2 g 1 (and s 2) and Q3 s 2.

    Q2 (the lag): g stays at its planned 1; s takes exactly its forecast 2 although a 4th
    dwelling is free (H = forecast, not more). Q3 (after the lag): H_s <= 2, and g (weight 3)
    needs 2 more: the plan lowers s's uptake to 0 and gives both to g.
    O_s = 5, 3, 3 (cost 33); O_g = 3, 2, 0 (cost 45). 78 - 0.06 = 77.94 (stability off).
    Keeping s at its forecast in Q3 would cost 78 + 18 - 6 = 90 - 0.06."""
    return make_scenario(
        [{"id": "s", "waiting_start": 6, "self_searching": True, "forecast_uptake": [1, 2, 2]},
         {"id": "g", "weight": 3, "waiting_start": 3}],
        [("c1", "d1", "a", "Q1", 1), ("c1", "d1", "a", "Q2", 4), ("c1", "d1", "a", "Q3", 2)],
        rules={"stability_weight": stability_weight},
        realised={"fixed_through": "Q1", "commit_lag": 1,
                  "allocations": allocation_rows([("s", "a", "c1", "d1", "Q1", 1)])},
        previous_plan=[("s", "a", "c1", "d1", "Q1", 1), ("s", "a", "c1", "d1", "Q2", 2),
                       ("g", "a", "c1", "d1", "Q2", 1), ("s", "a", "c1", "d1", "Q3", 2)])


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_self_searching_uptake_is_the_forecast_in_the_lag_and_lowered_after_it(formulation):
    solution = solve(self_searching_scenario(), formulation)
    assert solution.objective == pytest.approx(77.94)
    assert housed(solution) == {("s", "Q1"): 1, ("g", "Q1"): 0, ("s", "Q2"): 2, ("g", "Q2"): 1,
                                ("s", "Q3"): 0, ("g", "Q3"): 2}
    assert allocation(solution) == {
        ("s", "a", "c1", "d1", "Q1"): 1, ("s", "a", "c1", "d1", "Q2"): 2,
        ("g", "a", "c1", "d1", "Q2"): 1, ("g", "a", "c1", "d1", "Q3"): 2}


def self_searching_quota_scenario(commit_lag: int):
    """Q1..Q3, type a, 5 dwellings each period, nothing realised (fixed_through Q1).
    s is self-searching with weight 0 (no waiting cost), waits 10, forecast uptake 0, 2, 2,
    quota 1 with quota_weight 1: every dwelling beyond the first costs 1 - 0.01.

    commit_lag 1: Q2's uptake is fixed at its forecast 2 although the quota wants fewer
    (H = forecast, not less); Q3 is lowered to 0. Objective |2 - 1| - 0.02 = 0.98.
    commit_lag 0: H <= forecast everywhere: one dwelling in total, objective -0.01."""
    previous = [] if commit_lag else None
    return make_scenario(
        [{"id": "s", "weight": 0, "waiting_start": 10, "quota": 1, "self_searching": True,
          "forecast_uptake": [0, 2, 2]}],
        [("c1", "d1", "a", p, 5) for p in ("Q1", "Q2", "Q3")],
        rules={"quota_weight": 1},
        realised={"fixed_through": "Q1", "commit_lag": commit_lag, "allocations": []},
        previous_plan=previous)


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_self_searching_uptake_in_the_lag_is_not_lowered(formulation):
    solution = solve(self_searching_quota_scenario(commit_lag=1), formulation)
    assert solution.objective == pytest.approx(0.98)
    assert allocation(solution) == {("s", "a", "c1", "d1", "Q2"): 2}


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_self_searching_uptake_after_the_lag_may_be_lowered(formulation):
    solution = solve(self_searching_quota_scenario(commit_lag=0), formulation)
    assert solution.objective == pytest.approx(-0.01)
    assert sum(allocation(solution).values()) == 1
    assert housed(solution)["s", "Q1"] == 0


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_self_searching_uptake_never_exceeds_the_forecast(formulation):
    """Without a re-solve, H <= forecast in every period even when more dwellings would help:
    s (weight 1) waits 5, forecast 1, 1; 5 dwellings a period. C = 1, 2: O = 4, 3 -> 21;
    21 - 0.02 = 20.98."""
    raw = make_scenario(
        [{"id": "s", "waiting_start": 5, "self_searching": True, "forecast_uptake": [1, 1]}],
        [("c1", "d1", "a", "Q1", 5), ("c1", "d1", "a", "Q2", 5)], periods=("Q1", "Q2"))
    solution = solve(raw, formulation)
    assert solution.objective == pytest.approx(20.98)
    assert housed(solution) == {("s", "Q1"): 1, ("s", "Q2"): 1}


# ------------------------------------------------------------------ plan stability


def stability_scenario(stability_weight: float):
    """Q1, Q2, type a at two corporations c1 and c2 (one district), 1 dwelling each in Q2.
    g (weight 0: no waiting cost, only the 0.01 reward) waits 2. Nothing realised in Q1.
    The previous plan gave g the c2 dwelling of Q2.

    A tie in overdue (there is none): the only gain of taking the c1 dwelling too is the
    0.01 reward. With stability_weight 0.1 that change costs 0.1: the plan is kept,
    objective -0.01. With stability_weight 0 g takes both: -0.02."""
    return make_scenario(
        [{"id": "g", "weight": 0, "waiting_start": 2}],
        [("c1", "d1", "a", "Q2", 1), ("c2", "d1", "a", "Q2", 1)],
        periods=("Q1", "Q2"), corporations=("c1", "c2"),
        rules={"stability_weight": stability_weight},
        realised={"fixed_through": "Q1", "allocations": []},
        previous_plan=[("g", "a", "c2", "d1", "Q2", 1)])


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_stability_keeps_the_previous_plan_when_it_is_as_good(formulation):
    solution = solve(stability_scenario(0.1), formulation)
    assert solution.objective == pytest.approx(-0.01)
    assert allocation(solution) == {("g", "a", "c2", "d1", "Q2"): 1}


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_stability_weight_zero_and_positive_differ(formulation):
    solution = solve(stability_scenario(0.0), formulation)
    assert solution.objective == pytest.approx(-0.02)
    assert allocation(solution) == {("g", "a", "c1", "d1", "Q2"): 1, ("g", "a", "c2", "d1", "Q2"): 1}


def tie_scenario(stability_weight: float):
    """A true tie: Q1, Q2, type a; c1 and c2 each offer 1 dwelling in Q2 (district d1); g
    (weight 1) waits 1 and needs exactly one. c1 or c2 are equally good: O_g1 = 1, O_g2 = 0,
    3 - 0.01 = 2.99 either way. The previous plan took c2; with stability_weight > 0 the
    re-solve must take c2 too (taking c1 would cost 2 * weight)."""
    return make_scenario(
        [{"id": "g", "waiting_start": 1}],
        [("c1", "d1", "a", "Q2", 1), ("c2", "d1", "a", "Q2", 1)],
        periods=("Q1", "Q2"), corporations=("c1", "c2"),
        rules={"stability_weight": stability_weight},
        realised={"fixed_through": "Q1", "allocations": []},
        previous_plan=[("g", "a", "c2", "d1", "Q2", 1)])


@pytest.mark.parametrize("formulation", FORMULATIONS)
@pytest.mark.parametrize("weight", [0.001, 0.1, 5.0])
def test_stability_breaks_a_true_tie_towards_the_previous_plan(formulation, weight):
    solution = solve(tie_scenario(weight), formulation)
    assert solution.objective == pytest.approx(2.99)
    assert allocation(solution) == {("g", "a", "c2", "d1", "Q2"): 1}


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_stability_weight_zero_leaves_the_tie_open(formulation):
    solution = solve(tie_scenario(0.0), formulation)
    assert solution.objective == pytest.approx(2.99)
    assert sum(allocation(solution).values()) == 1


def test_moving_within_a_corporation_between_districts_is_no_change():
    """The contingent is (group, corporation, type, period): the previous plan's d1 dwelling
    of c1 is gone, the same corporation offers one in d2. Taking it changes no contingent
    (S = 0, 0 dwellings moved); O_g = 1, 0: 3 - 0.01 = 2.99."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 1}], [("c1", "d2", "a", "Q2", 1)],
        periods=("Q1", "Q2"), districts=("d1", "d2"),
        rules={"stability_weight": 0.1},
        realised={"fixed_through": "Q1", "allocations": []},
        previous_plan=[("g", "a", "c1", "d1", "Q2", 1)])
    for formulation in FORMULATIONS:
        solution = solve(raw, formulation)
        assert solution.objective == pytest.approx(2.99)
        assert allocation(solution) == {("g", "a", "c1", "d2", "Q2"): 1}
        moved = dwellings_moved(ModelData(parse_scenario(raw)), allocation(solution))
        assert moved["contingent_changes"] == 0 and moved["dwellings_moved"] == 0


# ------------------------------------------------------------------ fair objective


def fair_scenario(objective: str):
    """One period, type a, 4 dwellings. A (weight 1) waits 6, B (weight 3) waits 2 (Due = 6
    and 2). share_g = O_g / Due_g.

    weighted: B (weight 3) gets both its dwellings, A the other 2: O_A = 4, O_B = 0,
    12 - 0.04 = 11.96; the largest overdue share is A's 4/6.
    fair: min max((6 - x_A)/6, (2 - x_B)/2) with x_A + x_B <= 4: x_A = 3, x_B = 1, both shares
    1/2; the weighted objective then is 3*3 + 3*3*1 - 0.04 = 17.96."""
    return make_scenario(
        [{"id": "A", "waiting_start": 6}, {"id": "B", "weight": 3, "waiting_start": 2}],
        [("c1", "d1", "a", "Q1", 4)], periods=("Q1",), rules={"objective": objective})


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_weighted_optimum_leaves_one_group_far_behind(formulation):
    solution = solve(fair_scenario("weighted"), formulation)
    assert solution.objective == pytest.approx(11.96)
    assert allocation(solution) == {("A", "a", "c1", "d1", "Q1"): 2, ("B", "a", "c1", "d1", "Q1"): 2}


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_fair_objective_evens_out_the_overdue_shares(formulation):
    solution = solve(fair_scenario("fair"), formulation)
    assert solution.objective == pytest.approx(17.96)
    assert allocation(solution) == {("A", "a", "c1", "d1", "Q1"): 3, ("B", "a", "c1", "d1", "Q1"): 1}
    weighted = solution.alternatives["weighted"]
    assert weighted.objective == pytest.approx(11.96)
    assert allocation_dict(weighted.allocation) == {("A", "a", "c1", "d1", "Q1"): 2,
                                                    ("B", "a", "c1", "d1", "Q1"): 2}
    summary = summary_dict(solution)
    assert summary["largest_overdue_share"] == pytest.approx(0.5)
    assert summary["alternatives"]["weighted"]["largest_overdue_share"] == pytest.approx(4 / 6)
    by_group = {g["id"]: g for g in summary["alternatives"]["weighted"]["groups"]}
    assert by_group["A"]["housed_total"] == 2 and by_group["B"]["housed_total"] == 2


@pytest.mark.parametrize("formulation", FORMULATIONS)
def test_fair_objective_in_a_resolve(formulation):
    """The fair objective on a re-solve: the fixed Q1 counts in the shares. Q1, Q2; A (weight 1)
    waits 6, B (weight 3) waits 2, no inflow; Q1 realised: B 1 (the only Q1 dwelling).
    Q2 offers 3. Due: A 6, 6; B 2, 2. Sum Due A 12, B 4.
    share_A = (6 + 6 - x_A)/12, share_B = (1 + 1 - x_B)/4 with x_A + x_B <= 3, x_B <= 1.
    x_B = 1, x_A = 2: shares 10/12 and 1/4; x_B = 0, x_A = 3: 9/12 and 2/4 -> fair picks the
    latter (largest share 3/4): O_A = 6, 3 (27), O_B = 1, 1 (18): 45 - 0.04 = 44.96.
    Weighted: B's dwelling first: O_A = 6, 4 (30), O_B = 1, 0 (9): 39 - 0.04 = 38.96."""
    raw = make_scenario(
        [{"id": "A", "waiting_start": 6}, {"id": "B", "weight": 3, "waiting_start": 2}],
        [("c1", "d1", "a", "Q1", 1), ("c1", "d1", "a", "Q2", 3)], periods=("Q1", "Q2"),
        rules={"objective": "fair"},
        realised={"fixed_through": "Q1", "allocations": allocation_rows([("B", "a", "c1", "d1", "Q1", 1)])})
    solution = solve(raw, formulation)
    assert solution.objective == pytest.approx(44.96)
    assert allocation(solution) == {("B", "a", "c1", "d1", "Q1"): 1, ("A", "a", "c1", "d1", "Q2"): 3}
    assert summary_dict(solution)["largest_overdue_share"] == pytest.approx(0.75)
    weighted = solution.alternatives["weighted"]
    assert weighted.objective == pytest.approx(38.96)
    assert allocation_dict(weighted.allocation) == {("B", "a", "c1", "d1", "Q1"): 1,
                                                    ("A", "a", "c1", "d1", "Q2"): 2,
                                                    ("B", "a", "c1", "d1", "Q2"): 1}


# ------------------------------------------------------- invalid extension input (exit 2)


def _valid_base():
    return lag_scenario(commit_lag=1)


def _with(change):
    raw = _valid_base()
    change(raw)
    return raw


def _set_lag(value):
    def change(raw):
        raw["realised"]["commit_lag"] = value
    return change


def _drop_previous(raw):
    del raw["previous_plan"]


def _self_searching_without_forecast(raw):
    raw["groups"][0]["self_searching"] = True


def _forecast_wrong_length(raw):
    raw["groups"][0]["self_searching"] = True
    raw["groups"][0]["forecast_uptake"] = [1, 2]


def _unknown_previous_ids(raw):
    raw["previous_plan"][1]["group"] = "ghost"
    raw["previous_plan"][2]["corporation"] = "c9"


def _committed_exceeds_supply(raw):
    raw["previous_plan"][1]["dwellings"] = 7  # Q2 (the lag) offers 3


INVALID = [
    ("commit-lag-without-previous-plan", _drop_previous, ["realised.commit_lag", "previous_plan", "(value: 1)"]),
    ("commit-lag-past-last-period", _set_lag(5), ["realised.commit_lag", "last period", "(value: 5)"]),
    ("self-searching-without-forecast", _self_searching_without_forecast,
     ["groups[0] (g).forecast_uptake", "forecast"]),
    ("forecast-uptake-wrong-length", _forecast_wrong_length,
     ["groups[0] (g).forecast_uptake", "2 entries, expected 3", "[1, 2]"]),
    ("previous-plan-unknown-ids", _unknown_previous_ids,
     ["previous_plan[1].group", "'ghost'", "previous_plan[2].corporation", "'c9'"]),
    ("committed-rows-exceed-supply", _committed_exceeds_supply,
     ["previous_plan", "exceed", "period=Q2", "(3 offered)", "(value: 7)"]),
]


@pytest.mark.parametrize("name, change, words", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_extension_input_exits_2_naming_the_value(tmp_path, capsys, name, change, words):
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(_with(change), sort_keys=False))
    out = tmp_path / "out"
    assert cli_main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    for word in words:
        assert word in err, f"{word!r} not in:\n{err}"
    assert cli_main(["solve", str(path), "--out", str(out)]) == 2
    assert not out.exists()


def test_the_valid_base_of_the_invalid_cases_is_valid(tmp_path):
    path = tmp_path / "base.yaml"
    path.write_text(yaml.safe_dump(_valid_base(), sort_keys=False))
    assert cli_main(["validate", str(path)]) == 0


def test_every_extension_problem_is_reported_at_once(tmp_path, capsys):
    raw = _valid_base()
    for change in (_drop_previous, _forecast_wrong_length):
        change(raw)
    raw["realised"]["commit_lag"] = 4
    path = tmp_path / "many.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    assert cli_main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "needs previous_plan" in err and "last period" in err and "forecast_uptake" in err



# ------------------------- held-out mid-year scenarios against an independent brute force
#
# The extensions are not in spec §3, so tests/checker.py does not know them. The brute force
# below enumerates every integer allocation of the cells after fixed_through, keeps those the
# checker accepts (spec §3, realised rows included) AND that obey the extensions as the issue
# words them (lag periods equal to the previous plan, self-searching uptake = forecast in the
# lag and <= forecast after it), and prices them with the checker's objective plus the
# stability term (weight * sum over contingents (g, c, t, p) after the lag of
# |sum_d x - sum_d previous|). The fair objective: least largest overdue share
# (sum_p O / sum_p Due over groups with sum_p Due > 0), then the least weighted objective.


def brute_force_extended(raw: dict):
    """(feasible, objective) of a micro scenario with the mid-year extensions."""
    import itertools

    instance = Instance(raw)
    periods = list(raw["periods"])
    realised = raw.get("realised") or {}
    fixed = periods.index(realised["fixed_through"]) + 1 if realised else 0
    lag = int(realised.get("commit_lag", 0)) if realised else 0
    lag_periods = set(periods[fixed:fixed + lag])
    free_periods = set(periods[fixed + lag:])
    searching = {g["id"]: g["forecast_uptake"] for g in raw["groups"] if g.get("self_searching")}
    previous: dict = {}
    for row in raw.get("previous_plan") or []:
        key = tuple(row[c] for c in ("group", "dwelling_type", "corporation", "district", "period"))
        previous[key] = previous.get(key, 0) + row["dwellings"]
    weight = (raw.get("rules") or {}).get("stability_weight", 0.1) if previous else 0.0
    eligible = {g["id"]: set(g["eligible_types"]) for g in raw["groups"]}
    choices = []
    for (c, d, t, p), supply in sorted(instance.supply.items()):
        if periods.index(p) >= fixed and supply > 0:
            groups = [g for g in instance.groups if t in eligible[g]]
            if groups:
                choices.append(((c, d, t, p), groups, supply))
    fair = (raw.get("rules") or {}).get("objective") == "fair"
    best = None
    options = [list(_splits(supply, len(groups))) for _, groups, supply in choices]
    for pick in itertools.product(*options):
        x = dict(instance.realised)
        for ((c, d, t, p), groups, _), split in zip(choices, pick):
            for g, n in zip(groups, split):
                if n:
                    x[g, t, c, d, p] = x.get((g, t, c, d, p), 0) + n
        if instance.violations(x):
            continue
        if any(x.get(k, 0) != n for k, n in previous.items() if k[4] in lag_periods and k[0] not in searching):
            continue
        if any(n and k[4] in lag_periods and k[0] not in searching and previous.get(k, 0) != n
               for k, n in x.items()):
            continue
        housed = instance.housed(x)
        ok = True
        for g, forecast in searching.items():
            for k, p in enumerate(periods):
                h = housed[g, k + 1]
                if (p in lag_periods and h != forecast[k]) or (p in free_periods and h > forecast[k]):
                    ok = False
        if not ok:
            continue
        contingents: dict = {}
        for (g, t, c, d, p), n in x.items():
            if p in free_periods:
                contingents[g, c, t, p] = contingents.get((g, c, t, p), 0) + n
        for (g, t, c, d, p), n in previous.items():
            if p in free_periods:
                contingents[g, c, t, p] = contingents.get((g, c, t, p), 0) - n
        value = instance.objective(x) + weight * sum(abs(v) for v in contingents.values())
        share = 0.0
        if fair:
            cumulative = instance.cumulative(x)
            for g in instance.groups:
                due = sum(instance.due(g, p) for p in range(1, instance.n + 1))
                if due > 0:
                    over = sum(max(0, instance.due(g, p) - cumulative[g, p]) for p in range(1, instance.n + 1))
                    share = max(share, over / due)
        score = (round(share, 9), value)
        if best is None or score < best:
            best = score
    return (best is not None), (None if best is None else best[1])


def random_midyear(seed: int) -> dict:
    """A micro mid-year scenario with the extensions: 2 or 3 periods, Q1 realised, 1 or 2
    types and corporations, 2 groups (the second maybe self-searching), a previous plan, a
    commitment lag, stability and maybe the fair objective; at most 4 cells to enumerate."""
    import random

    rng = random.Random(seed)
    n = rng.choice([2, 3, 3])
    periods = [f"Q{k}" for k in range(1, n + 1)]
    types = ["a", "b"][: rng.choice([1, 2])]
    corporations = ["c1", "c2"][: rng.choice([1, 2])]
    cells = [(c, "d1", t, p) for p in periods for c in corporations for t in types]
    supply = {cell: rng.choice([0, 1, 1, 2]) for cell in cells}
    while sum(1 for cell, s in supply.items() if s and cell[3] != "Q1") > 4:
        cell = rng.choice([cell for cell, s in supply.items() if s and cell[3] != "Q1"])
        supply[cell] = 0
    groups = []
    for k in range(2):
        waiting = rng.randint(0, 4)
        groups.append({
            "id": f"g{k}", "main_group": "m1",
            "eligible_types": rng.sample(types, rng.randint(1, len(types))),
            "weight": rng.choice([0, 1, 2, 3]), "waiting_start": waiting,
            "overdue_start": rng.randint(0, waiting), "inflow": [rng.randint(0, 2) for _ in periods]})
    if rng.random() < 0.6:
        groups[1]["self_searching"] = True
        groups[1]["forecast_uptake"] = [rng.randint(0, 2) for _ in periods]
    if rng.random() < 0.4:
        groups[0]["quota"] = rng.randint(0, 5)

    def random_rows(period_filter, eligible_only):
        out = []
        for (c, d, t, p), s in supply.items():
            left = s
            if not period_filter(p):
                continue
            for g in groups:
                if eligible_only and t not in g["eligible_types"]:
                    continue
                take = rng.randint(0, left)
                left -= take
                if take:
                    out.append((g["id"], t, c, d, p, take))
        return out

    lag = rng.choice([0, 1]) if n == 3 else 0
    raw = make_scenario(
        groups, [(*cell, s) for cell, s in supply.items() if s], periods=tuple(periods),
        types=tuple(types), corporations=tuple(corporations),
        rules={"quota_weight": rng.choice([0, 0.5]), "stability_weight": rng.choice([0, 0.1, 0.5]),
               "objective": "fair" if rng.random() < 0.25 else "weighted"},
        realised={"fixed_through": "Q1", "commit_lag": lag,
                  "allocations": allocation_rows(random_rows(lambda p: p == "Q1", eligible_only=rng.random() < 0.7))},
        previous_plan=random_rows(lambda p: True, eligible_only=True))
    return raw


HELD_OUT = list(range(24))


@pytest.mark.parametrize("seed", HELD_OUT)
def test_held_out_midyear_scenarios_match_the_brute_force(seed):
    raw = random_midyear(seed)
    parse_scenario(raw)  # a valid scenario by construction
    feasible, optimum = brute_force_extended(raw)
    for formulation in FORMULATIONS:
        solution = solve_scenario(parse_scenario(raw), SolveOptions(mip_gap=0, formulation=formulation))
        if not feasible:
            assert solution.status is Status.INFEASIBLE, (formulation, solution.objective)
            continue
        assert solution.status is Status.OPTIMAL, (formulation, solution.message)
        assert solution.objective == pytest.approx(optimum, abs=1e-6), formulation
        assert Instance(raw).violations(solution.allocation) == []
