"""Mid-year re-solves at city size: plan the year, take Q1-Q2 of the plan as realised with a
drift (a share of each cell's dwellings went to another group that queues for that type), then
re-solve the rest of the year with the previous plan as MIP start, with and without a
commitment lag, and time build + solve as summary.json reports them.

    python benchmarks/midyear.py 1-5
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from quota_opt import SolveOptions, parse_scenario, solve_scenario  # noqa: E402
from quota_opt.changes import dwellings_moved  # noqa: E402
from quota_opt.data import ModelData  # noqa: E402
from quota_opt.results import allocation_dict  # noqa: E402


def drifted(plan_rows: list[dict], groups: list[dict], through: set[str], rng: random.Random) -> list[dict]:
    takers = {}
    for g in groups:
        for t in g["eligible_types"]:
            takers.setdefault(t, []).append(g["id"])
    out = []
    for row in plan_rows:
        if row["period"] not in through:
            continue
        moved = int(row["dwellings"] * 0.2) if rng.random() < 0.5 else 0
        if moved:
            out.append({**row, "group": rng.choice(takers[row["dwelling_type"]]), "dwellings": moved})
        if row["dwellings"] - moved:
            out.append({**row, "dwellings": row["dwellings"] - moved})
    return out


def main(seeds: str) -> None:
    lo, _, hi = seeds.partition("-")
    print("| scenario | commit lag | build s | solve s | status | objective | dwellings moved |")
    print("|---|---|---|---|---|---|---|")
    for seed in range(int(lo), int(hi or lo) + 1):
        raw = generate("city", seed)
        first = solve_scenario(parse_scenario(raw))
        plan_rows = first.allocation.to_dict("records")
        realised = drifted(plan_rows, raw["groups"], {"Q1", "Q2"}, random.Random(seed))
        # nobody is housed before arriving: drop drift rows a group cannot take
        for lag in (0, 1):
            scenario = {**raw, "previous_plan": plan_rows,
                        "realised": {"fixed_through": "Q2", "allocations": realised, "commit_lag": lag}}
            try:
                parsed = parse_scenario(scenario)
            except Exception as exc:  # noqa: BLE001 - report and go on
                print(f"| city seed {seed} | {lag} | invalid: {exc} |")
                continue
            again = solve_scenario(parsed, SolveOptions(time_limit=60))
            moved = dwellings_moved(ModelData(parsed), allocation_dict(again.allocation)) if again.plan else {}
            objective = f"{again.objective:,.2f}" if again.objective is not None else ""
            print(f"| city seed {seed} | {lag} | {again.build_seconds:.2f} | {again.solve_seconds:.2f} | "
                  f"{again.status.value} | {objective} | {moved.get('dwellings_moved', '')} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "1-3")
