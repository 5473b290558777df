"""Timed runs on generated scenarios: build and solve seconds as summary.json reports them.

    python benchmarks/run.py city:1-3 city-monthly:1 city@2:4     (scale[@fixed_through]:seeds)
"""

from __future__ import annotations

import sys
import time

from generate import generate

from quota_opt import SolveOptions, parse_scenario, solve_scenario
from quota_opt.data import ModelData


def parse(spec: str):
    scale, seeds = spec.split(":")
    fixed = None
    if "@" in scale:
        scale, fixed = scale.split("@")
        fixed = int(fixed)
    lo, _, hi = seeds.partition("-")
    return [(scale, seed, fixed) for seed in range(int(lo), int(hi or lo) + 1)]


def main(specs: list[str]) -> None:
    print("| scenario | allocation variables | build s | solve s | status | objective | gap |")
    print("|---|---|---|---|---|---|---|")
    for spec in specs:
        for scale, seed, fixed in parse(spec):
            scenario = parse_scenario(generate(scale, seed, fixed_through=fixed), f"{scale}-{seed}")
            started = time.perf_counter()
            solution = solve_scenario(scenario, SolveOptions(time_limit=300))
            name = f"{scale} seed {seed}" + (f", realised through period {fixed}" if fixed else "")
            gap = "" if solution.gap is None else f"{solution.gap:.1e}"
            objective = "" if solution.objective is None else f"{solution.objective:,.2f}"
            print(f"| {name} | {len(ModelData(scenario).keys):,} | {solution.build_seconds:.2f} | "
                  f"{solution.solve_seconds:.2f} | {solution.status.value} | {objective} | {gap} |",
                  flush=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["city:1-3"])
