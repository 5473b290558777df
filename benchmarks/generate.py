"""Seeded scenario generator for benchmarks and held-out-style checks, at three scales:
city (about 20 groups, 4 types, 7 corporations, 7 districts, 4 quarters), city-monthly
(the same over 12 months) and neighbourhood (about 25 groups, 10 corporations, 99
districts, 12 months). Every number here is synthetic.

    python benchmarks/generate.py city --seed 1 > city-1.yaml
"""

from __future__ import annotations

import argparse
import json
import random
import sys

SCALES = {
    "city": dict(groups=20, corporations=7, districts=7, periods=4, months=3, supply=1800),
    "city-monthly": dict(groups=20, corporations=7, districts=7, periods=12, months=1, supply=1800),
    "neighbourhood": dict(groups=25, corporations=10, districts=99, periods=12, months=1, supply=20000),
}
TYPES = ["studio", "regular", "family", "wheelchair"]
MAIN_GROUPS = ["without_support", "with_support", "status_holders"]


def generate(scale: str = "city", seed: int = 0, load: float = 1.3, fixed_through: int | None = None) -> dict:
    """A scenario dict. `load` is demand (start queue + inflow) over supply."""
    size = SCALES[scale]
    rng = random.Random(seed)
    n_periods, months = size["periods"], size["months"]
    periods = [f"Q{k}" for k in range(1, n_periods + 1)] if n_periods == 4 else [f"M{k:02d}" for k in range(1, n_periods + 1)]
    corporations = [f"corp{k}" for k in range(1, size["corporations"] + 1)]
    districts = [f"dist{k:02d}" for k in range(1, size["districts"] + 1)]
    corp_weight = {c: rng.uniform(0.5, 2.0) for c in corporations}
    dist_weight = {d: rng.uniform(0.5, 2.0) for d in districts}
    type_weight = {"studio": 0.35, "regular": 0.35, "family": 0.2, "wheelchair": 0.1}
    cells = [(c, d, t) for c in corporations for d in districts for t in TYPES]
    # sparse: not every corporation has every type in every district
    cells = [cell for cell in cells if rng.random() < (0.8 if size["districts"] <= 10 else 0.25)]
    weights = [corp_weight[c] * dist_weight[d] * type_weight[t] for c, d, t in cells]
    per_period = size["supply"] / n_periods
    supply = []
    for p in periods:
        draws = rng.choices(range(len(cells)), weights=weights, k=int(per_period))
        counts: dict[int, int] = {}
        for i in draws:
            counts[i] = counts.get(i, 0) + 1
        for i, n in sorted(counts.items()):
            c, d, t = cells[i]
            supply.append({"corporation": c, "district": d, "dwelling_type": t, "period": p, "dwellings": n})
    total_supply = sum(r["dwellings"] for r in supply)
    groups = []
    demand_share = [rng.uniform(0.5, 2.0) for _ in range(size["groups"])]
    share_total = sum(demand_share)
    for k in range(size["groups"]):
        demand = load * total_supply * demand_share[k] / share_total
        waiting = int(demand * rng.uniform(0.2, 0.4))
        inflow_total = demand - waiting
        inflow = [max(0, int(round(inflow_total / n_periods * rng.uniform(0.7, 1.3)))) for _ in periods]
        types = rng.sample(TYPES, rng.choice([1, 2, 2, 3]))
        group = {
            "id": f"g{k + 1:02d}", "label": f"Group {k + 1}", "main_group": MAIN_GROUPS[k % 3],
            "eligible_types": types, "weight": round(rng.uniform(0.5, 3.0), 2),
            "waiting_start": waiting, "overdue_start": int(waiting * rng.uniform(0.1, 0.5)),
            "inflow": inflow,
        }
        if rng.random() < 0.6:
            group["quota"] = int(demand / load * rng.uniform(0.8, 1.1))
        if rng.random() < 0.15:
            group["target_months"] = 6
        groups.append(group)
    rules = {
        "quota_weight": 0.5, "housing_reward": 0.01,
        "spreading": [
            {"dimension": "corporation", "main_group": "with_support", "tolerance": 0.3},
            {"dimension": "district", "main_group": "with_support", "tolerance": 0.3},
            {"dimension": "district", "main_group": "without_support", "tolerance": 0.5},
        ],
        "district_caps": [{"district": districts[0], "main_group": "with_support", "period": None,
                           "max_dwellings": int(0.6 * total_supply / len(districts) / 3) + 5}],
        "min_batch": [{"group": g["id"], "dwellings": 3} for g in groups[1:4]],
    }
    scenario = {
        "schema_version": 1, "name": f"synthetic {scale} seed {seed}", "municipality": "Synthetic",
        "year": 2026, "notes": ["ASSUMPTION: every number is synthetic (benchmarks/generate.py)"],
        "periods": periods, "months_per_period": months, "target_months": 3,
        "dwelling_types": [{"id": t} for t in TYPES],
        "main_groups": [{"id": m} for m in MAIN_GROUPS],
        "corporations": [{"id": c} for c in corporations],
        "districts": [{"id": d} for d in districts],
        "groups": groups, "supply": supply, "rules": rules,
    }
    if fixed_through is not None:
        scenario["realised"] = realised_part(scenario, periods[fixed_through - 1], rng)
    return scenario


def realised_part(scenario: dict, fixed_through: str, rng: random.Random) -> dict:
    """Plausible realised allocations up to `fixed_through`: each cell mostly used, by random
    eligible groups (and now and then an ineligible one, as happens in practice)."""
    periods = scenario["periods"]
    last = periods.index(fixed_through)
    eligible = {t: [g["id"] for g in scenario["groups"] if t in g["eligible_types"]] for t in TYPES}
    # nobody is housed before arriving: keep each group within its arrivals so far
    room = {g["id"]: g["waiting_start"] for g in scenario["groups"]}
    arrivals_by_period = {p: {g["id"]: g["inflow"][k] for g in scenario["groups"]} for k, p in enumerate(periods)}
    rows = []
    current = None
    for row in scenario["supply"]:
        if periods.index(row["period"]) > last:
            continue
        if row["period"] != current:
            current = row["period"]
            for g, n in arrivals_by_period[current].items():
                room[g] += n
        used = int(row["dwellings"] * rng.uniform(0.6, 1.0))
        takers = eligible[row["dwelling_type"]] or [scenario["groups"][0]["id"]]
        while used > 0:
            group = rng.choice(takers) if rng.random() > 0.05 else rng.choice(scenario["groups"])["id"]
            n = min(used, rng.randint(1, 3), room[group])
            if n == 0:
                if not any(room[g] for g in takers):
                    break
                continue
            room[group] -= n
            rows.append({"group": group, "dwelling_type": row["dwelling_type"],
                         "corporation": row["corporation"], "district": row["district"],
                         "period": row["period"], "dwellings": n})
            used -= n
    return {"fixed_through": fixed_through, "allocations": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scale", choices=sorted(SCALES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--load", type=float, default=1.3)
    parser.add_argument("--fixed-through", type=int, default=None, help="realise periods 1..N")
    args = parser.parse_args()
    json.dump(generate(args.scale, args.seed, args.load, args.fixed_through), sys.stdout)


if __name__ == "__main__":
    main()
