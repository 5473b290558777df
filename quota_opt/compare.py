"""Plans side by side: the optimised plan, today's rule of thumb, and the steering group's
agreed division (each group as close to its quota as the rules allow), all judged by the
scenario's own objective and KPIs."""

from __future__ import annotations

import pandas as pd

from .data import ModelData
from .pipeline import PlanReport, Solution, judge, solve_scenario
from .results import allocation_dict
from .schema import Scenario
from .solve import SolveOptions

AGREED_QUOTA_WEIGHT = 1000.0
"""Cost per dwelling of leaving a quota in the agreed-division plan: far above any waiting
cost, so the plan follows the quotas wherever supply, eligibility and queues allow."""


def agreed_division(scenario: Scenario, options: SolveOptions | None = None) -> PlanReport:
    """The agreed division as a plan: optimise with the quota deviation dominating, then judge
    the allocation with the scenario's own objective. Groups without a quota keep theirs open."""
    rules = scenario.rules.model_copy(update={"quota_weight": AGREED_QUOTA_WEIGHT})
    following = scenario.model_copy(update={"rules": rules})
    solution = solve_scenario(following, options)
    if solution.plan is None:
        raise RuntimeError(f"no plan follows the agreed division: {solution.status.value}")
    return judge(ModelData(scenario), allocation_dict(solution.allocation))


def comparison_table(plans: dict[str, PlanReport], scenario: Scenario) -> pd.DataFrame:
    """One row per plan and main group (and the total): housed, quota, overdue household-months,
    share within target, queue at the end, and the plan's objective."""
    rows = []
    for name, plan in plans.items():
        for record in [*plan.kpis.main_groups.to_dict("records"), plan.kpis.total]:
            rows.append({
                "plan": name, "main_group": record["main_group"], "housed": record["housed_total"],
                "quota": record["quota"], "overdue_household_months": record["overdue_household_months"],
                "share_within_target": record["share_within_target"], "queue_end": record["queue_end"],
                "objective": plan.objective, "rules_broken": len(plan.violations)})
    return pd.DataFrame(rows)


def compare_plans(solution: Solution, options: SolveOptions | None = None) -> pd.DataFrame:
    plans = {"optimised": solution.plan, "rule of thumb": solution.rule_of_thumb,
             "agreed division": agreed_division(solution.scenario, options)}
    return comparison_table(plans, solution.scenario)
