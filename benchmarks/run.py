"""Timed runs on generated scenarios, the aggregated formulation (with its LP-dive start)
against the reference formulation (one integer per group, type, corporation, district and
period, rules as spec §3 writes them), in one process. Seconds are as summary.json reports
them: build (the Pyomo model) and solve (hand-off to HiGHS, LP dive, branch and bound).

    python benchmarks/run.py city:1-5 city@2:1-2 city-monthly:1-2   (scale[@fixed_through]:seeds)
"""

from __future__ import annotations

import math
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate  # noqa: E402

from quota_opt import SolveOptions, parse_scenario, solve_scenario  # noqa: E402
from quota_opt.data import ModelData  # noqa: E402


def parse(spec: str):
    scale, seeds = spec.split(":")
    fixed = None
    if "@" in scale:
        scale, fixed = scale.split("@")
        fixed = int(fixed)
    lo, _, hi = seeds.partition("-")
    return [(scale, seed, fixed) for seed in range(int(lo), int(hi or lo) + 1)]


def main(specs: list[str], time_limit: float = 300.0) -> None:
    print("| scenario | x variables | reference: build + solve s | aggregated: build + solve s | "
          "speed-up | objective (both) | status |")
    print("|---|---|---|---|---|---|---|")
    ratios = []
    for spec in specs:
        for scale, seed, fixed in parse(spec):
            scenario = parse_scenario(generate(scale, seed, fixed_through=fixed), f"{scale}-{seed}")
            runs = {}
            for formulation in ("reference", "aggregated"):
                runs[formulation] = solve_scenario(
                    scenario, SolveOptions(time_limit=time_limit, formulation=formulation))
            ref, agg = runs["reference"], runs["aggregated"]
            same = (ref.objective is not None and agg.objective is not None
                    and abs(ref.objective - agg.objective) <= 1e-4 * max(1, abs(ref.objective)))
            ratio = ref.seconds / agg.seconds
            ratios.append(ratio)
            name = f"{scale} seed {seed}" + (f", realised through period {fixed}" if fixed else "")
            print(f"| {name} | {len(ModelData(scenario).keys):,} | "
                  f"{ref.build_seconds:.2f} + {ref.solve_seconds:.2f} | {agg.build_seconds:.2f} + {agg.solve_seconds:.2f} | "
                  f"{ratio:.1f}x | {agg.objective:,.2f}{'' if same else f' vs {ref.objective}'} | "
                  f"{ref.status.value} / {agg.status.value} |", flush=True)
    geometric = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\ngeometric mean speed-up {geometric:.1f}x over {len(ratios)} scenarios; peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:] or ["city:1-3"])
