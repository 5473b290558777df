"""Explanations of a plan in the steering group's words.

- Marginal value of one more dwelling of each type in each period still to plan, and of
  relaxing each binding rule by one dwelling, measured by re-solving (finite differences,
  gap 0): every MIP column here is integer, so LP duals would not be prices of the MIP.
- What lowering a self-searching group's exposure gains, and for whom: the plan with the
  group's uptake held at its forecast against the plan that may lower it.
- Unmet demand per group.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .data import ModelData
from .pipeline import Solution, solve_scenario
from .schema import Scenario, SupplyRow
from .solve import SolveOptions

MARGINAL_COLUMNS = ["kind", "subject", "period", "objective_change", "household_months_saved",
                    "weighted_saved", "sentence"]


@dataclass(frozen=True)
class Explanation:
    marginal: pd.DataFrame
    """MARGINAL_COLUMNS, largest saving first."""
    exposure: pd.DataFrame
    """Per group: overdue household-months with self-searching uptake held at its forecast,
    with the plan's lowered uptake, and the difference (empty without self-searching groups)."""
    exposure_sentences: list[str]
    unmet_demand: pd.DataFrame
    """Per group: households still waiting at the end, and overdue at the end."""


def _overdue_months(solution: Solution) -> float:
    return float(solution.plan.kpis.groups.overdue_household_months.sum())


def _variant(base: Scenario, solution: Solution, variant: Scenario, options: SolveOptions):
    other = solve_scenario(variant, options)
    if other.plan is None:
        return None
    return (other.objective - solution.objective,
            _overdue_months(solution) - _overdue_months(other),
            solution.plan.evaluation.terms["overdue"] - other.plan.evaluation.terms["overdue"])


def marginal_values(solution: Solution, options: SolveOptions | None = None) -> pd.DataFrame:
    """One more dwelling of each type in each unfixed period (added to the cell of that type
    and period with the most supply, so spreading shares barely move; where the type is not
    offered in that period, to its biggest cell in any period), and each binding
    district cap, max_housed, min_housed, min_cumulative and per-period bound relaxed by one."""
    scenario = solution.scenario
    options = (options or solution.options).model_copy(update={"mip_gap": 0.0})
    data = ModelData(scenario)
    frozen = set(data.fixed_periods) | set(data.committed_periods)
    labels = {t.id: t.name for t in scenario.dwelling_types}
    rows = []
    biggest: dict[tuple[str, str], tuple] = {}
    biggest_of_type: dict[str, tuple] = {}
    biggest_anywhere: tuple = (None, 0)
    for (c, d, t, p), n in data.supply.items():
        if p not in frozen and n > biggest.get((t, p), (None, 0))[1]:
            biggest[t, p] = ((c, d), n)
        if n > biggest_of_type.get(t, (None, 0))[1]:
            biggest_of_type[t] = ((c, d), n)
        if n > biggest_anywhere[1]:
            biggest_anywhere = ((c, d), n)
    if biggest_anywhere[0] is None:
        biggest_anywhere = ((scenario.corporations[0].id, scenario.districts[0].id), 0)
    for p in data.periods:
        for t in labels:
            # A type nobody offers in a period still gets its row (one more dwelling there is
            # often worth most): placed where that type is offered most, else anywhere.
            if p not in frozen and (t, p) not in biggest:
                biggest[t, p] = biggest_of_type.get(t, biggest_anywhere)
    for (t, p), ((c, d), _) in sorted(biggest.items(), key=lambda kv: (data.periods.index(kv[0][1]), kv[0][0])):
        extra = SupplyRow(corporation=c, district=d, dwelling_type=t, period=p, dwellings=1)
        variant = scenario.model_copy(update={"supply": [*scenario.supply, extra]})
        change = _variant(scenario, solution, variant, options)
        if change is not None:
            rows.append(_row("one more dwelling", labels[t], p, change,
                             f"one more dwelling of type {labels[t]} in {p}"))
    for subject, period, variant in _relaxed_binding_rules(scenario, solution, data):
        change = _variant(scenario, solution, variant, options)
        if change is not None:
            rows.append(_row("rule one dwelling looser", subject, period, change, f"relaxing {subject} by one dwelling"))
    frame = pd.DataFrame(rows, columns=MARGINAL_COLUMNS)
    return frame.sort_values("household_months_saved", ascending=False, kind="stable").reset_index(drop=True)


def _row(kind, subject, period, change, what) -> dict:
    objective_change, saved, weighted = change
    if abs(saved) < 1e-9:
        sentence = f"{what} saves no household-months of waiting beyond target"
    elif saved > 0:
        sentence = f"{what} saves about {saved:,.0f} household-months of waiting beyond target"
    else:
        sentence = f"{what} adds about {-saved:,.0f} household-months of waiting beyond target"
    return {"kind": kind, "subject": subject, "period": period, "objective_change": round(objective_change, 6),
            "household_months_saved": round(saved, 6), "weighted_saved": round(weighted, 6), "sentence": sentence}


def _relaxed_binding_rules(scenario: Scenario, solution: Solution, data: ModelData):
    """(what, period, scenario with that rule one dwelling looser) for each binding rule."""
    alloc = solution.allocation
    main_of = {g.id: g.main_group for g in scenario.groups}
    housed = solution.plan.kpis.housed
    for i, cap in enumerate(scenario.rules.district_caps):
        mask = alloc.district == cap.district
        if cap.main_group is not None:
            mask &= alloc.group.map(main_of) == cap.main_group
        if cap.period is not None:
            if cap.period in set(data.fixed_periods):
                continue  # decided by what was realised
            mask &= alloc.period == cap.period
        if int(alloc[mask].dwellings.sum()) >= cap.max_dwellings:
            caps = list(scenario.rules.district_caps)
            caps[i] = cap.model_copy(update={"max_dwellings": cap.max_dwellings + 1})
            rules = scenario.rules.model_copy(update={"district_caps": caps})
            who = cap.main_group or "all groups"
            yield (f"the district cap {cap.district} for {who}", cap.period,
                   scenario.model_copy(update={"rules": rules}))
    for k, g in enumerate(scenario.groups):
        rows = housed[housed.group == g.id]
        total = int(rows.housed.sum())
        changes = []
        if g.max_housed is not None and total >= g.max_housed:
            changes.append((f"max_housed of group {g.id}", None, {"max_housed": g.max_housed + 1}))
        if g.min_housed is not None and g.min_housed > 0 and total <= g.min_housed:
            changes.append((f"min_housed of group {g.id}", None, {"min_housed": g.min_housed - 1}))
        for j, entry in enumerate(g.min_cumulative or []):
            if entry.period in set(data.fixed_periods):
                continue  # decided by what was realised
            done = int(rows[rows.period == entry.period].housed_cumulative.iloc[0])
            if entry.dwellings > 0 and done <= entry.dwellings:
                entries = list(g.min_cumulative)
                entries[j] = entry.model_copy(update={"dwellings": entry.dwellings - 1})
                changes.append((f"min_cumulative of group {g.id} by {entry.period}", entry.period,
                                {"min_cumulative": entries}))
        for name, step in (("min_housed_per_period", -1), ("max_housed_per_period", +1)):
            bounds = getattr(g, name)
            for j, p in enumerate(data.periods):
                if bounds is None or bounds[j] is None or p in set(data.fixed_periods):
                    continue
                value = int(rows[rows.period == p].housed.iloc[0])
                binding = value <= bounds[j] if step < 0 else value >= bounds[j]
                if binding and bounds[j] + step >= 0:
                    new = list(bounds)
                    new[j] = bounds[j] + step
                    changes.append((f"{name} of group {g.id} in {p}", p, {name: new}))
        for what, period, update in changes:
            groups = list(scenario.groups)
            groups[k] = g.model_copy(update=update)
            yield what, period, scenario.model_copy(update={"groups": groups})


def exposure_gain(solution: Solution, options: SolveOptions | None = None) -> tuple[pd.DataFrame, list[str]]:
    """For self-searching groups: hold their uptake at the forecast in every period still to
    plan (what happens if nothing is done) and compare with the plan, which may lower it."""
    scenario = solution.scenario
    searching = [g for g in scenario.groups if g.self_searching and g.forecast_uptake is not None]
    if not searching or solution.plan is None:
        return pd.DataFrame(columns=["group", "held_at_forecast", "plan", "saved"]), []
    data = ModelData(scenario)
    frozen = set(data.fixed_periods) | set(data.committed_periods)
    groups = []
    for g in scenario.groups:
        if g in searching:
            floor = [None if p in frozen else f for p, f in zip(data.periods, g.forecast_uptake)]
            if g.min_housed_per_period:
                floor = [max(a or 0, b or 0) if (a is not None or b is not None) else None
                         for a, b in zip(floor, g.min_housed_per_period)]
            g = g.model_copy(update={"min_housed_per_period": floor})
        groups.append(g)
    options = (options or solution.options).model_copy(update={"mip_gap": 0.0})
    held = solve_scenario(scenario.model_copy(update={"groups": groups}), options)
    if held.plan is None:
        return pd.DataFrame(columns=["group", "held_at_forecast", "plan", "saved"]), [
            "holding self-searching uptake at its forecast leaves no feasible plan"]
    before = held.plan.kpis.groups.set_index("group").overdue_household_months
    after = solution.plan.kpis.groups.set_index("group").overdue_household_months
    frame = pd.DataFrame({"group": before.index, "held_at_forecast": before.values,
                          "plan": after.reindex(before.index).values})
    frame["saved"] = frame.held_at_forecast - frame.plan
    sentences = []
    plan_housed = solution.plan.kpis.housed
    for g in searching:
        lowered = sum(max(0, f - int(plan_housed[(plan_housed.group == g.id) & (plan_housed.period == p)].housed.iloc[0]))
                      for p, f in zip(data.periods, g.forecast_uptake) if p not in frozen)
        gainers = frame[frame.saved > 0].sort_values("saved", ascending=False)
        losers = frame[frame.saved < 0].sort_values("saved")
        who = ", ".join(f"{r.group} {r.saved:,.0f}" for r in gainers.head(5).itertuples())
        cost = ", ".join(f"{r.group} {-r.saved:,.0f}" for r in losers.head(5).itertuples())
        weighted = held.objective - solution.objective
        if lowered == 0:
            sentences.append(f"lowering the exposure of {g.id} gains nothing: the plan leaves its uptake at the forecast")
        else:
            sentences.append(
                f"exposing {lowered} fewer dwellings to {g.id} lowers the objective by {weighted:,.1f}: "
                f"household-months beyond target saved for {who or 'no group'}"
                + (f"; waited longer by {cost}" if cost else "")
                + f" (net {frame.saved.sum():,.0f} household-months)")
    return frame, sentences


def unmet_demand(solution: Solution) -> pd.DataFrame:
    housed = solution.plan.kpis.housed
    last = housed[housed.period == housed.period.iloc[-1]] if len(housed) else housed
    return pd.DataFrame({"group": last.group.values, "waiting_at_end": last.queue.values,
                         "overdue_at_end": last.overdue.values})


def explain(solution: Solution, options: SolveOptions | None = None) -> Explanation:
    exposure, sentences = exposure_gain(solution, options)
    return Explanation(marginal=marginal_values(solution, options), exposure=exposure,
                       exposure_sentences=sentences, unmet_demand=unmet_demand(solution))


def explanation_report(explanation: Explanation) -> tuple[dict[str, pd.DataFrame], dict]:
    """The explanation as workbook sheets (Marginal values, Unmet demand, Lower exposure when
    there are self-searching groups) and as the `explanations` section of summary.json."""
    tables = {"Marginal values": explanation.marginal, "Unmet demand": explanation.unmet_demand}
    if len(explanation.exposure):
        tables["Lower exposure"] = explanation.exposure
    section = {
        "sentences": [*explanation.marginal.sentence.head(10), *explanation.exposure_sentences],
        "marginal_values": explanation.marginal.to_dict("records"),
        "exposure": explanation.exposure.to_dict("records"),
        "unmet_demand": explanation.unmet_demand.to_dict("records"),
    }
    return tables, {"explanations": section}

