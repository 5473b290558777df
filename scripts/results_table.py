"""Print the README's results table for a scenario: optimised vs rule of thumb vs the agreed
division (markdown). Usage: python scripts/results_table.py data/amsterdam-2020.yaml"""

import sys

from quota_opt import SolveOptions, load_scenario, solve_scenario
from quota_opt.compare import compare_plans


def main(path: str) -> None:
    options = SolveOptions(mip_gap=0, time_limit=120)
    solution = solve_scenario(load_scenario(path), options)
    table = compare_plans(solution, options)
    table["share_within_target"] = table.share_within_target.map(lambda v: f"{v:.0%}")
    table["overdue_household_months"] = table.overdue_household_months.map(lambda v: f"{v:,.0f}")
    table["objective"] = table.objective.map(lambda v: f"{v:,.2f}")
    print(f"{solution.scenario.name}: optimised plan {solution.status.value}, "
          f"build {solution.build_seconds:.2f} s, solve {solution.solve_seconds:.2f} s\n")
    print(table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
        return True
    except ImportError:
        return False


if __name__ == "__main__":
    main(sys.argv[1])
