"""The objective of spec §3, and the elastic objective of the diagnosis."""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ModelData
from .rules import RULES, add_rows
from .variables import housed_cumulative


def add_quota_deviation(m: pyo.ConcreteModel, data: ModelData) -> None:
    """|C[g,n] - quota_g| = quota_excess[g] + quota_shortfall[g], for groups with a quota
    (`quota_deviation_definition[g]`). Only built when quota_weight > 0: otherwise the term
    is zero and the deviation is a report, not a decision."""
    quota_groups = [g.id for g in data.scenario.groups if g.quota is not None]
    if data.scenario.rules.quota_weight <= 0:
        quota_groups = []
    m.quota_excess = pyo.Var(quota_groups, domain=pyo.NonNegativeReals)
    m.quota_shortfall = pyo.Var(quota_groups, domain=pyo.NonNegativeReals)
    quota = {g.id: g.quota for g in data.scenario.groups}
    add_rows(m, "quota_deviation_definition", {
        g: (quota[g], housed_cumulative(m, data, g, data.last_period)
            - m.quota_excess[g] + m.quota_shortfall[g], quota[g]) for g in quota_groups})


def objective_terms(m: pyo.ConcreteModel, data: ModelData) -> dict[str, object]:
    """The three terms, as expressions:
    overdue: sum_g sum_p w_g * months_per_period * O[g,p];
    quota deviation: quota_weight * sum_g |C[g,n] - quota_g|;
    housing reward: - housing_reward * sum x."""
    weight = {g.id: g.weight for g in data.scenario.groups}
    rules = data.scenario.rules
    return {
        "overdue": pyo.quicksum(weight[g] * data.months_per_period * m.overdue[g, p]
                                for g in data.groups for p in data.periods if weight[g] > 0),
        "quota_deviation": rules.quota_weight * pyo.quicksum(
            m.quota_excess[g] + m.quota_shortfall[g] for g in m.quota_excess.index_set()),
        "housing_reward": -rules.housing_reward * m.view.everything(),
        "stability": rules.stability_weight * pyo.quicksum(
            m.change_up[k] + m.change_down[k] for k in m.change_up.index_set()),
    }


def add_objective(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Minimise the spec's objective; in the elastic model, the penalised give-way instead."""
    if m.elastic:
        m.objective = pyo.Objective(expr=pyo.quicksum(
            RULES[name].penalty * var[k]
            for name, short, excess in m.slacks for var in (short, excess) for k in var),
            sense=pyo.minimize)
        return
    terms = objective_terms(m, data)
    m.objective = pyo.Objective(expr=sum(terms.values()), sense=pyo.minimize)
    if hasattr(m, "largest_overdue_share"):  # the fair objective's first stage
        m.objective.deactivate()
        m.fairness_objective = pyo.Objective(expr=m.largest_overdue_share, sense=pyo.minimize)
