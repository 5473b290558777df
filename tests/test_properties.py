"""Property tests (hypothesis) of the optimisation against the independent checker and the
brute-force oracle: spec §3 rules, objective, bound and gap, optimality on micro instances,
infeasibility and its diagnosis, invariance under renaming, re-fixing realised periods, the
within-target KPI of §4, and the rule of thumb judged by the same checker.

Every solve uses mip_gap=0 (HiGHS's default relative gap is not zero). Regression scenarios
for failures found here live in tests/scenarios/ and run first as explicit examples.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from quota_opt import SolveOptions, Status, parse_scenario, solve_scenario

try:
    from .checker import Instance, families
    from .oracle import brute_force, count_keys
    from .strategies import micro_scenarios, relabel, relabellings, scenarios
except ImportError:  # tests/ on sys.path rather than a package
    from checker import Instance, families
    from oracle import brute_force, count_keys
    from strategies import micro_scenarios, relabel, relabellings, scenarios

OPTIONS = SolveOptions(mip_gap=0, time_limit=60)
TOL = 1e-6
SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"
PROPERTY = settings(max_examples=50, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])
KEY_COLUMNS = ["group", "dwelling_type", "corporation", "district", "period"]
BOUND_RULES = {"housed_min", "housed_max", "housed_min_period", "housed_max_period",
               "cumulative_min"}
PACKAGE_FAMILIES = {
    **{name: "bounds" for name in BOUND_RULES},
    "spreading_lower": "spreading", "spreading_upper": "spreading",
    "district_cap": "district_caps",
    "min_batch_lower": "min_batch", "min_batch_link": "min_batch",
}
"""The formulation's rule names of the families both it and the checker cover."""


def solve(raw: dict):
    scenario = parse_scenario(raw, "hypothesis")
    return scenario, solve_scenario(scenario, OPTIONS)


def regression(name: str) -> dict:
    """A scenario saved in tests/scenarios/ (a minimised failure of a property below)."""
    return yaml.safe_load((SCENARIOS_DIR / name).read_text(encoding="utf-8"))


def assert_solved_or_diagnosed(solution) -> None:
    assert solution.status in (Status.OPTIMAL, Status.INFEASIBLE), solution.message
    if solution.status is Status.INFEASIBLE:
        assert len(solution.diagnosis) > 0, "infeasible, but the diagnosis names no rule"


def assert_allocation_frame(frame: pd.DataFrame) -> None:
    """Spec §5: one row per non-zero x, integers."""
    assert list(frame.columns) == KEY_COLUMNS + ["dwellings"]
    assert pd.api.types.is_integer_dtype(frame["dwellings"])
    assert (frame["dwellings"] > 0).all()
    assert not frame.duplicated(KEY_COLUMNS).any()


# ------------------------------------------------------------------------- (a) (b) (c)


@PROPERTY
@given(scenarios())
def test_allocation_obeys_every_rule_and_objective_is_recomputable(raw):
    """(a) the returned allocation passes the checker; (b) the reported objective is the
    spec's objective of that allocation; (c) bound <= objective and the gap matches."""
    _, solution = solve(raw)
    assert_solved_or_diagnosed(solution)
    if solution.status is not Status.OPTIMAL:
        return
    instance = Instance(raw)
    allocation = solution.allocation
    assert_allocation_frame(allocation)
    assert instance.violations(allocation) == []
    assert solution.objective == pytest.approx(instance.objective(allocation), abs=TOL)
    assert solution.bound is not None and solution.gap is not None
    assert solution.bound <= solution.objective + TOL
    assert solution.objective - solution.bound <= TOL  # optimal at mip_gap 0
    difference = abs(solution.objective - solution.bound)
    if abs(solution.objective) > 1e-9 and difference > 1e-9:
        assert solution.gap == pytest.approx(difference / abs(solution.objective), rel=1e-9)
    assert solution.gap >= 0


# ------------------------------------------------------------------------- (d) (e) oracle


def _micro(raw: dict) -> Instance:
    instance = Instance(raw)
    assume(count_keys(instance) <= 8)
    return instance


@PROPERTY
@given(micro_scenarios())
def test_optimum_equals_brute_force_on_micro_instances(raw):
    """(d) the solver's optimum is the least objective over all feasible integer allocations."""
    instance = _micro(raw)
    oracle = brute_force(instance)
    _, solution = solve(raw)
    if oracle.feasible:
        assert solution.status is Status.OPTIMAL, (
            f"brute force found {oracle.allocation} with objective {oracle.objective}")
        assert solution.objective == pytest.approx(oracle.objective, abs=TOL)
        assert instance.objective(solution.allocation) == pytest.approx(oracle.objective, abs=TOL)
    else:
        assert solution.status is Status.INFEASIBLE


@PROPERTY
@given(micro_scenarios(min_bound_chance=0.3))
def test_infeasible_only_when_nothing_is_feasible_and_then_diagnosed(raw):
    """(e) 'infeasible' exactly when no integer allocation passes the checker; the
    diagnosis then names at least one rule with a positive give-way."""
    instance = _micro(raw)
    _, solution = solve(raw)
    oracle = brute_force(instance)
    assert (solution.status is Status.INFEASIBLE) == (not oracle.feasible)
    if solution.status is Status.INFEASIBLE:
        assert len(solution.diagnosis) > 0
        assert (solution.diagnosis["give_way"] > 0).all()
        assert solution.allocation.empty


# ------------------------------------------------------------------------- (f) relabelling


@PROPERTY
@given(st.data())
def test_renaming_ids_and_shuffling_rows_leaves_optimum_unchanged(data):
    """(f) the optimum does not depend on the names of things or the order of rows."""
    raw = data.draw(scenarios(), label="scenario")
    mapping, seed = data.draw(relabellings(raw), label="renaming")
    renamed = relabel(raw, mapping, seed)
    _, original = solve(raw)
    _, moved = solve(renamed)
    assert moved.status is original.status
    if original.status is Status.OPTIMAL:
        assert moved.objective == pytest.approx(original.objective, abs=TOL)
        assert Instance(renamed).violations(moved.allocation) == []


# ------------------------------------------------------------------------- (g) re-fixing


@PROPERTY
@given(st.data())
def test_fixing_periods_to_the_optimum_reproduces_it(data):
    """(g) realising the optimum's own allocation up to some period keeps the optimum."""
    raw = data.draw(scenarios(), label="scenario")
    _, solution = solve(raw)
    assume(solution.status is Status.OPTIMAL)
    periods = raw["periods"]
    first = periods.index(raw["realised"]["fixed_through"]) if raw.get("realised") else 0
    last = data.draw(st.integers(first, len(periods) - 1), label="fixed_through index")
    fixed = set(periods[: last + 1])
    rows = [{k: (int(v) if k == "dwellings" else str(v)) for k, v in row.items()}
            for row in solution.allocation.to_dict("records") if row["period"] in fixed]
    refixed = {**raw, "realised": {"fixed_through": periods[last], "allocations": rows}}
    _, again = solve(refixed)
    assert again.status is Status.OPTIMAL
    assert again.objective == pytest.approx(solution.objective, abs=TOL)
    assert Instance(refixed).violations(again.allocation) == []


# ------------------------------------------------------------------------- (h) KPIs


@PROPERTY
@given(scenarios())
def test_within_target_kpi_matches_fifo(raw):
    """(h) housed within target, its share, and overdue household-months per group and in
    total, as the checker computes them from the allocation by FIFO queue positions."""
    _, solution = solve(raw)
    assume(solution.status is Status.OPTIMAL)
    instance = Instance(raw)
    allocation = solution.allocation
    within = instance.within_target(allocation)
    share = instance.share_within_target(allocation)
    overdue = instance.overdue_household_months(allocation)
    kpis = solution.plan.kpis.groups.set_index("group")
    for g in instance.groups:
        row = kpis.loc[g]
        assert row["housed_within_target"] == within[g], g
        if share[g] is None:
            assert pd.isna(row["share_within_target"]), g
        else:
            assert row["share_within_target"] == pytest.approx(share[g], abs=1e-12), g
        assert row["overdue_household_months"] == pytest.approx(overdue[g], abs=TOL), g
    housed = int(solution.allocation["dwellings"].sum())
    total = solution.plan.kpis.total
    assert total["housed_within_target"] == sum(within.values())
    if housed:
        assert total["share_within_target"] == pytest.approx(sum(within.values()) / housed)
    else:
        assert total["share_within_target"] is None


# ------------------------------------------------------------------------- (i) rule of thumb


@PROPERTY
@given(scenarios())
def test_rule_of_thumb_is_judged_like_the_checker_judges_it(raw):
    """(i) the rule of thumb respects supply, eligibility, arrivals and the realised part;
    its reported objective is the checker's; and it reports a broken rule of the families
    both cover (bounds, spreading, caps, min batch) exactly when the checker finds one."""
    _, solution = solve(raw)
    instance = Instance(raw)
    baseline = solution.rule_of_thumb
    allocation = baseline.allocation
    found = instance.violations(allocation)
    facts_broken = {v.rule for v in instance.violations(instance.realised)} & {"arrivals"}
    must_hold = {"supply", "eligibility", "arrivals", "realised", "integrality",
                 "nonnegativity", "unknown_id"} - facts_broken
    assert [v for v in found if v.rule in must_hold] == []
    assert baseline.objective == pytest.approx(instance.objective(allocation), abs=TOL)
    reported = baseline.violations
    reported_families = {PACKAGE_FAMILIES[r] for r in reported["rule"] if r in PACKAGE_FAMILIES}
    checker_families = families(found)
    assert bool(reported_families) == bool(checker_families), (reported, found)
    assert reported_families == checker_families, (reported, found)
