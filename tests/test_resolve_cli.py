"""`quota-opt resolve` end to end, as a subprocess: solve tests/scenarios/tiny.yaml, report
what happened in Q1, re-plan Q2.

The realised Q1 used throughout (REALISED below): adults got 6 studios (the plan had 8),
families 4 family dwellings and 1 studio (ineligible for them: a fact all the same).
Tiny has L = 1, months_per_period 3, quota_weight 0.5, housing reward 0.01; adults weight 2,
waiting 10 (Due 10, 15), quota 12; families weight 3, waiting 4, inflow 2, 2 (Due 4, 6).

Re-solve, commit lag 0, no stability: adults O1 = 10 - 6 = 4 (2*3*4 = 24); all 8 studios of
Q2 go to adults: C = 14, O2 = 1 (6), quota |14 - 12| * 0.5 = 1; families C1 = 5, they take 3
family dwellings in Q2 (C = 8 = all arrived), O = 0. 22 dwellings: 24 + 6 + 1 - 0.22 = 30.78.
With the default stability weight 0.1 against the previous plan (adults 7 and families 2 in
Q2): the 8th studio still pays (-6 + 0.5 - 0.01 + 0.1), families' 3rd dwelling does not
(-0.01 + 0.1): 24 + 6 + 1 - 0.21 + 0.1 * 1 contingent change = 30.89.
Commit lag 1: Q2 stays at the previous plan: adults C = 13, O2 = 2 (12), quota 0.5; families
C = 7 >= Due 6; 20 dwellings: 24 + 12 + 0.5 - 0.20 = 36.3.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from quota_opt import SolveOptions, Status, load_scenario, solve_scenario

try:
    from .checker import Instance
    from .oracle import brute_force
except ImportError:  # tests/ on sys.path rather than a package
    from checker import Instance
    from oracle import brute_force

TINY = Path(__file__).parent / "scenarios" / "tiny.yaml"
QUOTA_OPT = Path(sys.executable).parent / "quota-opt"
HEADER = ["group", "dwelling_type", "corporation", "district", "period", "dwellings"]
REALISED = [
    ["adults", "studio", "c1", "d1", "Q1", 2],
    ["adults", "studio", "c1", "d2", "Q1", 2],
    ["adults", "studio", "c2", "d1", "Q1", 2],
    ["families", "studio", "c2", "d2", "Q1", 1],
    ["families", "family", "c1", "d1", "Q1", 2],
    ["families", "family", "c2", "d2", "Q1", 2],
]


def run_cli(*args):
    command = [str(QUOTA_OPT) if QUOTA_OPT.exists() else sys.executable, *([] if QUOTA_OPT.exists() else ["-m", "quota_opt.cli"])]
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True, timeout=120)


def write_csv(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def read_allocation(path: Path) -> dict:
    out = {}
    with path.open() as handle:
        for row in csv.DictReader(handle):
            key = tuple(row[c] for c in HEADER[:-1])
            out[key] = out.get(key, 0) + int(row["dwellings"])
    return out


def as_dict(rows) -> dict:
    return {tuple(str(v) for v in r[:5]): int(r[5]) for r in rows}


def in_period(alloc: dict, period: str) -> dict:
    return {k: n for k, n in alloc.items() if k[4] == period}


def resolve(tmp: Path, name: str, *extra, realised: Path | None = None, previous: Path | None = None):
    out = tmp / name
    args = ["resolve", TINY, "--realised", realised or tmp / "realised.csv", "--fixed-through", "Q1",
            "--mip-gap", "0", "--out", out, *extra]
    if previous is not None:
        args += ["--previous", previous]
    return run_cli(*args), out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The previous run (tiny solved with gap 0), the realised CSV, and re-solves with
    commit lag 0 and 1 against it."""
    tmp = tmp_path_factory.mktemp("resolve")
    previous = tmp / "previous"
    done = run_cli("solve", TINY, "--out", previous, "--mip-gap", "0")
    assert done.returncode == 0, done.stderr
    write_csv(tmp / "realised.csv", REALISED)
    lag0, out0 = resolve(tmp, "lag0", "--commit-lag", "0", previous=previous)
    lag1, out1 = resolve(tmp, "lag1", "--commit-lag", "1", previous=previous)
    return {"tmp": tmp, "previous": previous, "lag0": (lag0, out0), "lag1": (lag1, out1)}


def summary(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())


# ------------------------------------------------------------------------ re-solves


@pytest.mark.parametrize("lag", ["lag0", "lag1"])
def test_resolve_exits_0_and_keeps_the_realised_rows_exactly(runs, lag):
    done, out = runs[lag]
    assert done.returncode == 0, done.stderr
    for name in ("allocation.csv", "allocation.xlsx", "summary.json", "scenario.yaml"):
        assert (out / name).is_file(), name
    alloc = read_allocation(out / "allocation.csv")
    assert in_period(alloc, "Q1") == as_dict(REALISED)


def test_commit_lag_0_reoptimises_q2(runs):
    done, out = runs["lag0"]
    assert done.returncode == 0, done.stderr
    result = summary(out)
    assert result["status"] == "optimal"
    assert result["objective"] == pytest.approx(30.89)
    housed = {(g["id"]): g["housed_total"] for g in result["groups"]}
    assert housed == {"adults": 14, "families": 7}
    alloc = read_allocation(out / "allocation.csv")
    q2 = in_period(alloc, "Q2")
    assert sum(n for k, n in q2.items() if k[0] == "adults") == 8
    previous_q2 = in_period(read_allocation(runs["previous"] / "allocation.csv"), "Q2")
    # families keep exactly their planned contingents (corporation, type) in Q2
    def contingents(a, group):
        out = {}
        for (g, t, c, d, p), n in a.items():
            if g == group:
                out[c, t] = out.get((c, t), 0) + n
        return out
    assert contingents(q2, "families") == contingents(previous_q2, "families")
    assert result["dwellings_moved"]["contingent_changes"] == 1
    assert result["dwellings_moved"]["periods"] == ["Q2"]


def test_commit_lag_1_keeps_the_previous_plan_in_q2(runs):
    done, out = runs["lag1"]
    assert done.returncode == 0, done.stderr
    alloc = read_allocation(out / "allocation.csv")
    previous = read_allocation(runs["previous"] / "allocation.csv")
    assert in_period(alloc, "Q2") == in_period(previous, "Q2")
    result = summary(out)
    assert result["objective"] == pytest.approx(36.3)
    assert result["dwellings_moved"] == {"contingent_changes": 0, "dwellings_moved": 0, "periods": []}


@pytest.mark.parametrize("lag", ["lag0", "lag1"])
def test_summary_reports_what_changed_and_explanations(runs, lag):
    done, out = runs[lag]
    result = summary(out)
    for key in ("what_changed", "dwellings_moved", "explanations"):
        assert key in result, key
    rows = {(r["dimension"], r["id"], r["period"]): r for r in result["what_changed"]}
    planned = read_allocation(runs["previous"] / "allocation.csv")
    revised = read_allocation(out / "allocation.csv")
    for group in ("adults", "families"):
        for period in ("Q1", "Q2"):
            row = rows["group", group, period]
            assert row["planned"] == sum(n for k, n in planned.items() if k[0] == group and k[4] == period)
            assert row["revised"] == sum(n for k, n in revised.items() if k[0] == group and k[4] == period)
            assert row["change"] == row["revised"] - row["planned"]
    assert rows["group", "adults", "Q1"]["realised"] == 6
    assert rows["group", "families", "Q1"]["realised"] == 5
    assert rows["group", "adults", "Q2"]["realised"] is None
    assert rows["dwelling_type", "studio", "Q1"] == {
        "dimension": "dwelling_type", "id": "studio", "period": "Q1",
        "planned": 8, "realised": 7, "revised": 7, "change": -1}
    assert {"main_group", "corporation"} <= {r["dimension"] for r in result["what_changed"]}
    explanations = result["explanations"]
    unmet = {r["group"]: r["waiting_at_end"] for r in explanations["unmet_demand"]}
    assert unmet == {g["id"]: g["queue_end"] for g in result["groups"]}
    if lag == "lag0":
        assert explanations["sentences"]
        assert {r["period"] for r in explanations["marginal_values"]} == {"Q2"}
    with pd.ExcelFile(out / "allocation.xlsx") as book:
        sheets = book.sheet_names
    assert any("changed" in s.lower() for s in sheets), sheets


def test_resolve_without_stability_matches_the_checker_and_the_oracle(runs):
    tmp = runs["tmp"]
    done, out = resolve(tmp, "nostab", "--stability-weight", "0", previous=runs["previous"])
    assert done.returncode == 0, done.stderr
    result = summary(out)
    assert result["objective"] == pytest.approx(30.78)
    raw = yaml.safe_load((out / "scenario.yaml").read_text())
    raw.pop("previous_plan", None)  # inert with stability 0; the checker knows spec §3 only
    instance = Instance(raw)
    alloc = pd.read_csv(out / "allocation.csv", dtype={"dwellings": int})
    assert instance.violations(alloc) == []
    assert instance.objective(alloc) == pytest.approx(30.78)
    assert brute_force(instance).objective == pytest.approx(30.78)


@pytest.mark.parametrize("lag", ["lag0", "lag1"])
def test_written_scenario_reloads_and_resolves_to_the_same_objective(runs, lag):
    done, out = runs[lag]
    scenario = load_scenario(out / "scenario.yaml")
    assert scenario.realised.fixed_through == "Q1"
    assert scenario.realised.commit_lag == (1 if lag == "lag1" else 0)
    assert scenario.previous_plan
    again = solve_scenario(scenario, SolveOptions(mip_gap=0))
    assert again.status is Status.OPTIMAL
    assert again.objective == pytest.approx(summary(out)["objective"])


def test_xlsx_realised_with_an_updates_sheet_changes_inflow(tmp_path):
    """families' Q1 inflow 2 -> 6: Due2 = 10, arrived by Q2 = 12; after 5 in Q1 they take 7
    family dwellings in Q2 (O = 0). No previous plan, so no stability term:
    24 + 6 + 1 - 0.01 * (11 + 8 + 7) = 30.74."""
    book = tmp_path / "realised.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame(REALISED, columns=HEADER).to_excel(writer, sheet_name="realised", index=False)
        pd.DataFrame([["families", "inflow", "Q1", 6]], columns=["group", "field", "period", "value"]).to_excel(
            writer, sheet_name="updates", index=False)
    out = tmp_path / "out"
    done = run_cli("resolve", TINY, "--realised", book, "--fixed-through", "Q1", "--mip-gap", "0",
                   "--no-explain", "--out", out)
    assert done.returncode == 0, done.stderr
    scenario = yaml.safe_load((out / "scenario.yaml").read_text())
    families = next(g for g in scenario["groups"] if g["id"] == "families")
    assert families["inflow"] == [6, 2]
    result = summary(out)
    assert result["objective"] == pytest.approx(30.74)
    alloc = read_allocation(out / "allocation.csv")
    assert in_period(alloc, "Q1") == as_dict(REALISED)
    assert sum(n for k, n in in_period(alloc, "Q2").items() if k[0] == "families") == 7


def test_resolve_with_the_fair_objective_reports_both_plans(runs):
    done, out = resolve(runs["tmp"], "fair", "--objective", "fair", "--no-explain", previous=runs["previous"])
    assert done.returncode == 0, done.stderr
    result = summary(out)
    assert result["objective_kind"] == "fair"
    assert "largest_overdue_share" in result
    weighted = result["alternatives"]["weighted"]
    assert {g["id"] for g in weighted["groups"]} == {"adults", "families"}
    assert weighted["largest_overdue_share"] >= result["largest_overdue_share"] - 1e-9


# ------------------------------------------------------------------- bad input: exit 2

BAD_REALISED = {
    # name: (rows, header, --fixed-through, words the message must contain)
    "missing-column": ([r[:3] + r[4:] for r in REALISED], [c for c in HEADER if c != "district"], "Q1",
                       ["district", "missing"]),
    "unknown-group": ([["ghost", "studio", "c1", "d1", "Q1", 1]], HEADER, "Q1", ["unknown group", "'ghost'"]),
    "fractional-dwellings": ([["adults", "studio", "c1", "d1", "Q1", 1.5]], HEADER, "Q1",
                             ["dwellings", "1.5"]),
    "row-after-fixed-through": ([*REALISED, ["adults", "studio", "c1", "d1", "Q2", 1]], HEADER, "Q1",
                                ["after fixed_through", "'Q2'"]),
    "exceeding-supply": ([["adults", "studio", "c1", "d1", "Q1", 3]], HEADER, "Q1",
                         ["exceed", "2 offered", "(value: 3)"]),
    "unknown-fixed-through": (REALISED, HEADER, "Q9", ["fixed_through", "'Q9'"]),
}


@pytest.mark.parametrize("case", sorted(BAD_REALISED))
def test_bad_realised_file_exits_2_naming_file_and_value_and_writes_nothing(tmp_path, case):
    rows, header, fixed_through, words = BAD_REALISED[case]
    realised = write_csv(tmp_path / f"{case}.csv", rows, header)
    out = tmp_path / "out"
    done = run_cli("resolve", TINY, "--realised", realised, "--fixed-through", fixed_through,
                   "--no-explain", "--out", out)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert realised.name in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, f"{word!r} not in:\n{done.stderr}"
    assert not out.exists()


# ------------------------------------------------------------------- infeasible: exit 3


def test_infeasible_resolve_exits_3_with_a_diagnosis(tmp_path):
    """Families got all 8 family dwellings of Q1, but only 4 + 2 = 6 had arrived: the realised
    facts break the queue rule (nobody is housed before arriving)."""
    rows = [["families", "family", c, d, "Q1", 2] for c in ("c1", "c2") for d in ("d1", "d2")]
    realised = write_csv(tmp_path / "realised.csv", rows)
    out = tmp_path / "out"
    done = run_cli("resolve", TINY, "--realised", realised, "--fixed-through", "Q1", "--no-explain",
                   "--out", out)
    assert done.returncode == 3, (done.stdout, done.stderr)
    assert "infeasible" in done.stderr
    diagnosis = json.loads((out / "diagnosis.json").read_text())
    assert diagnosis
    assert not (out / "allocation.csv").exists() or read_allocation(out / "allocation.csv") == {}
