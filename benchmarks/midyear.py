"""Mid-year re-solves at city size: plan the year, take Q1-Q2 of the plan as realised with a
drift (a share of each cell's dwellings went to another group that queues for that type), then
re-solve the rest of the year with the previous plan as MIP start, with and without a
commitment lag, and time build + solve as summary.json reports them.

    python benchmarks/midyear.py 1-5 [--save DIR]
    python benchmarks/midyear.py --from DIR

The mid-year scenarios depend on the year plan, and a year can have several optimal plans:
to compare two versions of the code, --save the scenarios once and time them --from there.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from quota_opt import SolveOptions, parse_scenario, solve_scenario  # noqa: E402
from quota_opt.changes import dwellings_moved  # noqa: E402
from quota_opt.data import ModelData  # noqa: E402
from quota_opt.results import allocation_dict  # noqa: E402


def drifted(plan_rows: list[dict], scenario: dict, through: set[str], rng: random.Random) -> list[dict]:
    """The plan's rows of the `through` periods as realised, with a drift: half the rows lose
    a fifth of their dwellings to another group of the same main group that queues for that
    dwelling type. The drift keeps the re-solve feasible, as real drift mostly is: the taker
    has enough arrivals not yet housed by the plan in every period from then on, and groups
    with a min-batch rule neither give nor take (so spreading, caps and batches still fit)."""
    periods = scenario["periods"]
    batch = {b["group"] for b in scenario["rules"].get("min_batch", [])}
    main_of = {g["id"]: g["main_group"] for g in scenario["groups"]}
    # slack[g][k]: arrivals of g by period k not housed by the plan by then
    slack = {}
    for g in scenario["groups"]:
        housed = [0] * len(periods)
        for row in plan_rows:
            if row["group"] == g["id"]:
                housed[periods.index(row["period"])] += row["dwellings"]
        arrived, done, room = g["waiting_start"], 0, []
        for k in range(len(periods)):
            arrived += g["inflow"][k]
            done += housed[k]
            room.append(arrived - done)
        slack[g["id"]] = room
    takers: dict[tuple[str, str], list[str]] = {}
    for g in scenario["groups"]:
        if g["id"] not in batch:
            for t in g["eligible_types"]:
                takers.setdefault((g["main_group"], t), []).append(g["id"])
    out = []
    for row in plan_rows:
        if row["period"] not in through:
            continue
        moved = int(row["dwellings"] * 0.2) if rng.random() < 0.5 else 0
        k = periods.index(row["period"])
        candidates = [g for g in takers.get((main_of[row["group"]], row["dwelling_type"]), [])
                      if g != row["group"] and min(slack[g][k:]) >= moved]
        if moved and row["group"] not in batch and candidates:
            taker = rng.choice(candidates)
            for j in range(k, len(periods)):
                slack[taker][j] -= moved
                slack[row["group"]][j] += moved
            out.append({**row, "group": taker, "dwellings": moved})
        else:
            moved = 0
        if row["dwellings"] - moved:
            out.append({**row, "dwellings": row["dwellings"] - moved})
    return out


def scenarios(seed: int):
    """(commit lag, mid-year scenario dict) for lag 0 and 1 of one seed: the year planned by
    the optimiser, Q1-Q2 realised with a drift, the plan as previous plan."""
    raw = generate("city", seed)
    first = solve_scenario(parse_scenario(raw))
    plan_rows = first.allocation.to_dict("records")
    realised = drifted(plan_rows, raw, {"Q1", "Q2"}, random.Random(seed))
    for lag in (0, 1):
        yield lag, {**raw, "previous_plan": plan_rows,
                    "realised": {"fixed_through": "Q2", "allocations": realised, "commit_lag": lag}}


def saved(folder: Path):
    """(seed, commit lag, scenario dict) of the files `--save` wrote, in seed order."""
    for path in sorted(folder.glob("midyear-*-*.json"), key=lambda p: [int(x) for x in p.stem.split("-")[1:]]):
        seed, lag = (int(x) for x in path.stem.split("-")[1:])
        yield seed, lag, json.loads(path.read_text())


def main(seeds: str, save: Path | None = None, source: Path | None = None) -> None:
    lo, _, hi = seeds.partition("-")
    print("| scenario | commit lag | build s | solve s | status | gap | objective | dwellings moved |")
    print("|---|---|---|---|---|---|---|---|")
    if source is not None:
        cases = saved(source)
    else:
        cases = ((seed, lag, scenario) for seed in range(int(lo), int(hi or lo) + 1)
                 for lag, scenario in scenarios(seed))
    for seed, lag, scenario in cases:
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            (save / f"midyear-{seed}-{lag}.json").write_text(json.dumps(scenario, default=int))
        try:
            parsed = parse_scenario(scenario)
        except Exception as exc:  # noqa: BLE001 - report and go on
            print(f"| city seed {seed} | {lag} | invalid: {exc} |")
            continue
        again = solve_scenario(parsed, SolveOptions(time_limit=60))
        moved = dwellings_moved(ModelData(parsed), allocation_dict(again.allocation)) if again.plan else {}
        objective = f"{again.objective:,.2f}" if again.objective is not None else ""
        gap = f"{again.gap:.1e}" if again.gap is not None else ""
        print(f"| city seed {seed} | {lag} | {again.build_seconds:.2f} | {again.solve_seconds:.2f} | "
              f"{again.status.value} | {gap} | {objective} | {moved.get('dwellings_moved', '')} |", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("seeds", nargs="?", default="1-3", help="a seed or a range, e.g. 1-5")
    parser.add_argument("--save", type=Path, default=None, help="also write each mid-year scenario (JSON) here")
    parser.add_argument("--from", dest="source", type=Path, default=None,
                        help="time the scenarios a --save wrote instead (the same files for two versions of the code)")
    args = parser.parse_args()
    main(args.seeds, args.save, args.source)
