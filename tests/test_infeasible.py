"""Infeasible scenarios (spec §3 'Infeasible scenarios', §5 exit code 3): one per kind of
conflict. The diagnosis must name the rule that has to give way, in the user's words, and by
how many dwellings. Facts (supply, arrivals, realised allocations) never give way while one of
the steering group's own rules can; where several rules tie at the same cost, the test accepts
any of them and checks the total."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from quota_opt import SolveOptions, Status, parse_scenario, solve_scenario

# ----------------------------------------------------------------------------- helpers


def make_scenario(groups, supply, *, periods=("Q1",), districts=("d1",), corporations=("c1",),
                  main_groups=("with_support",), rules=None, realised=None):
    """groups: dicts with at least `id` (type 'a', main group with_support, zero inflow by
    default); supply: tuples (corporation, district, dwelling_type, period, dwellings)."""
    full = []
    for g in groups:
        g = {"main_group": main_groups[0], "eligible_types": ["a"], "inflow": [0] * len(periods), **g}
        full.append(g)
    raw = {
        "schema_version": 1, "name": "infeasible test", "periods": list(periods),
        "dwelling_types": [{"id": "a"}], "main_groups": [{"id": m} for m in main_groups],
        "corporations": [{"id": c} for c in corporations], "districts": [{"id": d} for d in districts],
        "groups": full,
        "supply": [dict(zip(("corporation", "district", "dwelling_type", "period", "dwellings"), row))
                   for row in supply],
        "rules": rules or {},
    }
    if realised is not None:
        raw["realised"] = realised
    return raw


def diagnose(raw):
    solution = solve_scenario(parse_scenario(raw, "infeasible test"), SolveOptions(mip_gap=0))
    assert solution.status is Status.INFEASIBLE
    assert solution.plan is None and solution.objective is None
    assert len(solution.diagnosis) > 0, "an infeasible scenario must come with a diagnosis"
    return solution.diagnosis


def conflicts(diagnosis) -> list[tuple[str, str, float]]:
    return [(r.text, r.side, round(float(r.give_way), 6)) for r in diagnosis.itertuples(index=False)]


def realised_row(group, district, period, n):
    return {"group": group, "dwelling_type": "a", "corporation": "c1", "district": district,
            "period": period, "dwellings": n}


# ------------------------------------------------- min_housed against arrivals / supply


def test_min_housed_above_what_can_arrive():
    """2 waiting + 1 inflow = 3 can ever be housed; min_housed 5 (10 on offer): the minimum
    gives way by 5 - 3 = 2 (arrivals are a fact)."""
    raw = make_scenario([{"id": "g", "waiting_start": 2, "inflow": [1], "min_housed": 5}],
                        [("c1", "d1", "a", "Q1", 10)])
    assert conflicts(diagnose(raw)) == [("min_housed of group g", "lower", 2.0)]


def test_min_housed_above_what_is_supplied():
    """10 waiting, 3 dwellings on offer, min_housed 5: gives way by 2 (supply is a fact)."""
    raw = make_scenario([{"id": "g", "waiting_start": 10, "min_housed": 5}],
                        [("c1", "d1", "a", "Q1", 3)])
    assert conflicts(diagnose(raw)) == [("min_housed of group g", "lower", 2.0)]


def test_min_housed_only_counts_eligible_supply():
    """10 dwellings on offer but only 4 of g's type: min_housed 6 gives way by 2."""
    raw = make_scenario([{"id": "g", "waiting_start": 10, "min_housed": 6}],
                        [("c1", "d1", "a", "Q1", 4), ("c1", "d1", "b", "Q1", 6)])
    raw["dwelling_types"].append({"id": "b"})
    assert conflicts(diagnose(raw)) == [("min_housed of group g", "lower", 2.0)]


def test_min_cumulative_above_what_can_have_arrived_by_then():
    """By the end of Q1 at most 2 + 3 = 5 have arrived; min_cumulative 8 by Q1 gives way by 3
    (Q2's supply and inflow cannot help Q1)."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 2, "inflow": [3, 3],
          "min_cumulative": [{"period": "Q1", "dwellings": 8}]}],
        [("c1", "d1", "a", "Q1", 10), ("c1", "d1", "a", "Q2", 10)], periods=("Q1", "Q2"))
    assert conflicts(diagnose(raw)) == [("min_cumulative of group g by Q1", "lower", 3.0)]


def test_min_housed_per_period_above_the_period_supply():
    """Q2 offers 1 dwelling; min_housed_per_period [0, 3]: Q2's minimum gives way by 2."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 10, "min_housed_per_period": [None, 3]}],
        [("c1", "d1", "a", "Q1", 5), ("c1", "d1", "a", "Q2", 1)], periods=("Q1", "Q2"))
    assert conflicts(diagnose(raw)) == [("min_housed_per_period of group g in Q2", "lower", 2.0)]


# ---------------------------------------------------------- district cap vs min_housed

CAP_D1 = {"district": "d1", "main_group": "with_support", "period": None, "max_dwellings": 3}


def test_district_cap_against_min_housed():
    """All 10 dwellings are in d1, capped at 3 for with_support; g (with_support) must get 5.
    Either the cap rises by 2 or the minimum falls by 2: equal cost, either may be named."""
    raw = make_scenario([{"id": "g", "waiting_start": 10, "min_housed": 5}],
                        [("c1", "d1", "a", "Q1", 10)], rules={"district_caps": [CAP_D1]})
    diagnosis = diagnose(raw)
    assert set(diagnosis.rule) <= {"district_cap", "housed_min"}
    assert set(diagnosis.text) <= {"district cap d1 for with_support", "min_housed of group g"}
    assert diagnosis.give_way.sum() == pytest.approx(2.0)


def test_district_cap_gives_way_when_the_group_side_is_bound_twice():
    """As above, but g's total is held up by min_housed 5 *and* min_cumulative 5 by the last
    period: lowering the group side costs 2 + 2, raising the cap 2. The cap gives way by 2."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 10, "min_housed": 5,
          "min_cumulative": [{"period": "Q1", "dwellings": 5}]}],
        [("c1", "d1", "a", "Q1", 10)], rules={"district_caps": [CAP_D1]})
    assert conflicts(diagnose(raw)) == [("district cap d1 for with_support", "upper", 2.0)]


def test_min_housed_gives_way_when_the_district_is_capped_twice():
    """d1 capped at 3 for with_support and at 3 for all groups: raising both costs 2 + 2,
    lowering min_housed 2. min_housed gives way by 2."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 10, "min_housed": 5}], [("c1", "d1", "a", "Q1", 10)],
        rules={"district_caps": [CAP_D1, {"district": "d1", "max_dwellings": 3}]})
    assert conflicts(diagnose(raw)) == [("min_housed of group g", "lower", 2.0)]


def test_district_cap_in_a_period_against_min_housed_per_period():
    """Q2's cap on d1 (the only district) is 1, min_housed_per_period in Q2 is 4: the row
    named for Q2 (cap or minimum) gives way by 3."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 10, "min_housed_per_period": [None, 4]}],
        [("c1", "d1", "a", "Q1", 5), ("c1", "d1", "a", "Q2", 5)], periods=("Q1", "Q2"),
        rules={"district_caps": [{"district": "d1", "main_group": "with_support", "period": "Q2",
                                  "max_dwellings": 1}]})
    diagnosis = diagnose(raw)
    assert set(diagnosis.text) <= {"district cap d1 for with_support in Q2",
                                   "min_housed_per_period of group g in Q2"}
    assert diagnosis.give_way.sum() == pytest.approx(3.0)


# ------------------------------------------------------ spreading lower bound vs a cap


def spreading_against_cap(tolerance, realised_in_d2, caps):
    """d1 and d2 offer R dwellings each in Q1 and Q2 (shares 1/2). Realised through Q1: R
    placements of g (with_support) in d2. Spreading over districts for with_support needs
    placements in d1, but d1 is capped at 0 for with_support in Q2."""
    R = realised_in_d2
    return make_scenario(
        [{"id": "g", "waiting_start": 4 * R, "overdue_start": 4 * R}],
        [("c1", d, "a", p, R) for d in ("d1", "d2") for p in ("Q1", "Q2")],
        periods=("Q1", "Q2"), districts=("d1", "d2"),
        rules={"district_caps": caps, "spreading": [
            {"dimension": "district", "main_group": "with_support", "tolerance": tolerance}]},
        realised={"fixed_through": "Q1", "allocations": [realised_row("g", "d2", "Q1", R)]})


CAP_D1_Q2 = {"district": "d1", "main_group": "with_support", "period": "Q2", "max_dwellings": 0}


def test_spreading_against_a_district_cap_tie():
    """tau = 0, R = 4: with x placements in d1 (cap excess x), the lower bound of d1 falls
    short by max(0, 1 - x/2) and the upper bound of d2 by the same: total 2 for any x in 0..2."""
    diagnosis = diagnose(spreading_against_cap(0.0, 4, [CAP_D1_Q2]))
    assert set(diagnosis.rule) <= {"district_cap", "spreading_lower", "spreading_upper"}
    assert diagnosis.give_way.sum() == pytest.approx(2.0)


def test_spreading_lower_bound_gives_way_when_the_district_is_capped_twice():
    """As the tie, with a second cap (all groups, d1, Q2, 0): raising the caps now costs 2x, so
    x = 0 and spreading gives way: d1's lower bound 0 >= A/2 - 1 = 1 by 1, d2's upper bound
    4 <= A/2 + 1 = 3 by 1."""
    caps = [CAP_D1_Q2, {"district": "d1", "main_group": None, "period": "Q2", "max_dwellings": 0}]
    diagnosis = diagnose(spreading_against_cap(0.0, 4, caps))
    assert sorted(conflicts(diagnosis)) == [
        ("spreading over district for with_support: lower bound for d1", "lower", 1.0),
        ("spreading over district for with_support: upper bound for d2", "upper", 1.0),
    ]


def test_district_cap_gives_way_to_spreading_with_tolerance():
    """tau = 0.5, R = 10: d1's lower bound x >= 0.25 (10 + x) - 1 needs x >= 2 (cap excess 2),
    while keeping x = 0 costs 1.5 + 1.5 in the spreading rows, and x = 1 costs 1 + 0.75 + 0.75.
    The cap of d1 in Q2 gives way by 2."""
    diagnosis = diagnose(spreading_against_cap(0.5, 10, [CAP_D1_Q2]))
    assert conflicts(diagnosis) == [("district cap d1 for with_support in Q2", "upper", 2.0)]


# ----------------------------------------------------------- min_batch vs max_housed


def test_min_batch_against_max_housed():
    """g must get exactly 2 (min_housed = max_housed = 2) from c1 (the only corporation),
    but its batch is 3: either max_housed rises by 1 or the batch falls short by 1."""
    raw = make_scenario([{"id": "g", "waiting_start": 10, "min_housed": 2, "max_housed": 2}],
                        [("c1", "d1", "a", "Q1", 10)],
                        rules={"min_batch": [{"group": "g", "dwellings": 3}]})
    diagnosis = diagnose(raw)
    assert set(diagnosis.rule) <= {"housed_max", "min_batch_lower", "min_batch_link", "housed_min"}
    assert diagnosis.give_way.sum() == pytest.approx(1.0)
    assert all("max_housed of group g" in t or "min_batch of group g from corporation c1" in t
               for t in diagnosis.text)


def test_min_batch_gives_way_when_the_maximum_is_set_twice():
    """As above with max_housed_per_period [2] as well: raising the maximum costs 1 + 1, so
    the batch from c1 falls short by 1."""
    raw = make_scenario(
        [{"id": "g", "waiting_start": 10, "min_housed": 2, "max_housed": 2,
          "max_housed_per_period": [2]}],
        [("c1", "d1", "a", "Q1", 10)], rules={"min_batch": [{"group": "g", "dwellings": 3}]})
    assert conflicts(diagnose(raw)) == [("min_batch of group g from corporation c1", "lower", 1.0)]


def test_min_batch_against_supply_split_over_corporations():
    """g must get 4; c1 and c2 offer 2 each; batch 3. Cheapest: both batches short by 1
    (cost 2), rather than min_housed by 2 plus a batch, or min_housed by 4."""
    raw = make_scenario([{"id": "g", "waiting_start": 10, "min_housed": 4}],
                        [("c1", "d1", "a", "Q1", 2), ("c2", "d1", "a", "Q1", 2)],
                        corporations=("c1", "c2"),
                        rules={"min_batch": [{"group": "g", "dwellings": 3}]})
    assert sorted(conflicts(diagnose(raw))) == [
        ("min_batch of group g from corporation c1", "lower", 1.0),
        ("min_batch of group g from corporation c2", "lower", 1.0),
    ]


# -------------------------------------------------------------- the command line


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "quota_opt.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_cli_exit_code_3_and_diagnosis_json(tmp_path):
    scenario = tmp_path / "infeasible.yaml"
    scenario.write_text(yaml.safe_dump(make_scenario(
        [{"id": "g", "waiting_start": 2, "inflow": [1], "min_housed": 5}],
        [("c1", "d1", "a", "Q1", 10)])))
    out = tmp_path / "out"
    result = run_cli("solve", scenario, "--out", out)
    assert result.returncode == 3, result.stderr
    assert "min_housed of group g" in result.stderr
    diagnosis = json.loads((out / "diagnosis.json").read_text())
    entries = diagnosis["conflicts"]
    assert [(e["rule"], e["text"], e["give_way"]) for e in entries] == [
        ("housed_min", "min_housed of group g", 2)]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "infeasible"
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


def test_cli_infeasible_district_cap_names_the_cap(tmp_path):
    scenario = tmp_path / "capped.yaml"
    scenario.write_text(yaml.safe_dump(make_scenario(
        [{"id": "g", "waiting_start": 10, "min_housed": 5,
          "min_cumulative": [{"period": "Q1", "dwellings": 5}]}],
        [("c1", "d1", "a", "Q1", 10)], rules={"district_caps": [CAP_D1]})))
    out = tmp_path / "out"
    result = run_cli("solve", scenario, "--out", out)
    assert result.returncode == 3, result.stderr
    entries = json.loads((out / "diagnosis.json").read_text())["conflicts"]
    assert [(e["text"], e["give_way"]) for e in entries] == [("district cap d1 for with_support", 2)]
    assert entries[0]["district"] == "d1" and entries[0]["main_group"] == "with_support"
