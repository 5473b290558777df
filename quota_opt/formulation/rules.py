"""The registry of rule families: one entry per named constraint component.

Each rule says which spec rule it enforces, what its index means, how to say one row of it
in the user's words, and how heavily the diagnosis penalises letting it give way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pyomo.environ as pyo
from pyomo.core.expr.visitor import identify_variables

from ..data import ALL

FACT_PENALTY = 1000.0
"""Penalty per dwelling for relaxing a fact (supply, arrivals) in the diagnosis: such rows give
way only when no combination of the steering group's own rules can."""


@dataclass(frozen=True)
class Rule:
    name: str
    """Pyomo component name, e.g. 'district_cap'."""
    spec: str
    """Where the spec states it, e.g. '§3 rule 5'."""
    index: tuple[str, ...]
    """What the index entries are, in order."""
    describe: Callable[..., str]
    """Index entries -> the row in the user's words."""
    penalty: float | None = 1.0
    """Diagnosis penalty per dwelling of give-way; None: a definition, never relaxed."""
    judged: bool = True
    """Whether judging a given plan reports this row when broken. False for modelling devices
    whose breach only echoes another rule's (the min-batch big-M row, tightened by max_housed)."""


def _period(p: Any) -> str:
    return f" in {p}" if p is not None else ""


def _main(m: str) -> str:
    return "all groups" if m == ALL else m


RULES: dict[str, Rule] = {rule.name: rule for rule in [
    Rule("housed_definition", "§3 decision", ("group", "period"),
         lambda g, p: f"housed of group {g} in {p} (sum of its allocations)", penalty=None),
    Rule("supply_limit", "§3 rule 1", ("corporation", "district", "dwelling_type", "period"),
         lambda c, d, t, p: f"supply of {t} dwellings from {c} in {d} in {p}", penalty=FACT_PENALTY),
    Rule("arrival_limit", "§3 rule 2", ("group", "period"),
         lambda g, p: f"arrivals of group {g} by {p} (nobody is housed before arriving)",
         penalty=FACT_PENALTY),
    Rule("overdue_definition", "§3 rule 2", ("group", "period"),
         lambda g, p: f"overdue households of group {g} at the end of {p}", penalty=None),
    Rule("housed_min", "§3 rule 3", ("group",), lambda g: f"min_housed of group {g}"),
    Rule("housed_max", "§3 rule 3", ("group",), lambda g: f"max_housed of group {g}"),
    Rule("housed_min_period", "§3 rule 3", ("group", "period"),
         lambda g, p: f"min_housed_per_period of group {g} in {p}"),
    Rule("housed_max_period", "§3 rule 3", ("group", "period"),
         lambda g, p: f"max_housed_per_period of group {g} in {p}"),
    Rule("cumulative_min", "§3 rule 3", ("group", "period"),
         lambda g, p: f"min_cumulative of group {g} by {p}"),
    Rule("placements_definition", "§3 rule 4", ("main_group", "dimension", "element"),
         lambda m, k, e: f"placements of {_main(m)} ({k} {e})", penalty=None),
    Rule("spreading_lower", "§3 rule 4", ("dimension", "main_group", "element"),
         lambda k, m, e: f"spreading over {k} for {_main(m)}: lower bound for {e}"),
    Rule("spreading_upper", "§3 rule 4", ("dimension", "main_group", "element"),
         lambda k, m, e: f"spreading over {k} for {_main(m)}: upper bound for {e}"),
    Rule("district_cap", "§3 rule 5", ("district", "main_group", "period"),
         lambda d, m, p: f"district cap {d} for {_main(m)}{_period(None if p == ALL else p)}"),
    Rule("min_batch_lower", "§3 rule 6", ("group", "corporation"),
         lambda g, c: f"min_batch of group {g} from corporation {c}"),
    Rule("min_batch_link", "§3 rule 6", ("group", "corporation"),
         lambda g, c: f"min_batch of group {g} from corporation {c} (nothing unless the batch is used)",
         judged=False),
    Rule("class_link", "§3 decision (aggregated)", ("class", "dwelling_type", "period"),
         lambda k, t, p: f"dwellings of type {t} for {k} in {p} over its locations", penalty=None),
    Rule("supply_limit_corporation", "§3 rule 1 (aggregated)", ("corporation", "dwelling_type", "period"),
         lambda c, t, p: f"supply of {t} dwellings from {c} in {p}", penalty=FACT_PENALTY),
    Rule("supply_limit_district", "§3 rule 1 (aggregated)", ("district", "dwelling_type", "period"),
         lambda d, t, p: f"supply of {t} dwellings in {d} in {p}", penalty=FACT_PENALTY),
    Rule("supply_limit_total", "§3 rule 1 (aggregated)", ("dwelling_type", "period"),
         lambda t, p: f"supply of {t} dwellings in {p}", penalty=FACT_PENALTY),
    Rule("uptake_fixed", "extension: self-searching", ("group", "period"),
         lambda g, p: f"forecast uptake of self-searching group {g} in {p} (within the commitment lag)"),
    Rule("uptake_limit", "extension: self-searching", ("group", "period"),
         lambda g, p: f"forecast uptake of self-searching group {g} in {p} (can only be lowered)"),
    Rule("contingent_change_definition", "extension: plan stability", ("group", "corporation", "dwelling_type", "period"),
         lambda g, c, t, p: f"change of the contingent of {g} from {c} ({t}, {p})", penalty=None),
    Rule("overdue_share_limit", "extension: fair objective", ("group",),
         lambda g: f"overdue share of group {g}", penalty=None),
    Rule("quota_deviation_definition", "§3 objective", ("group",),
         lambda g: f"deviation from the quota of group {g}", penalty=None),
]}


def _with_variable(m: pyo.ConcreteModel, row: tuple):
    """A row whose body holds no variable (e.g. a cap over realised dwellings only, in a model
    that carries them as constants): None when it holds, else the same row written against
    `m.unit` (a variable fixed at 1 by its bounds), so that it stays a named, violated row."""
    lower, body, upper = row
    if next(identify_variables(body), None) is not None:
        return row
    value = pyo.value(body)
    if (lower is None or value >= lower - 1e-9) and (upper is None or value <= upper + 1e-9):
        return None
    return (lower, value + m.unit - 1, upper)


def add_rows(m: pyo.ConcreteModel, rule_name: str, rows: dict[tuple, tuple]) -> None:
    """Add one named constraint family: rows maps index -> (lower, body, upper).

    Index entries are tuples, or plain ids for one-dimensional families (as Pyomo keys them).

    When the model is elastic (diagnosis), every relaxable row gets non-negative slacks
    `<rule>_short` (for the lower side) and `<rule>_excess` (for the upper side), so the row
    reads lower <= body + short - excess <= upper and the slacks count dwellings of give-way.
    """
    rule = RULES[rule_name]
    rows = {key: _with_variable(m, row) for key, row in rows.items()}
    rows = {key: row for key, row in rows.items() if row is not None}
    keys = list(rows)
    elastic = m.elastic and rule.penalty is not None
    if elastic:
        short_keys = [k for k in keys if rows[k][0] is not None]
        excess_keys = [k for k in keys if rows[k][2] is not None]
        short = pyo.Var(short_keys, domain=pyo.NonNegativeReals)
        excess = pyo.Var(excess_keys, domain=pyo.NonNegativeReals)
        m.add_component(f"{rule_name}_short", short)
        m.add_component(f"{rule_name}_excess", excess)
        m.slacks.append((rule_name, short, excess))

        def expression(model, *key):
            key = key[0] if len(key) == 1 else key
            lower, body, upper = rows[key]
            if lower is not None:
                body = body + short[key]
            if upper is not None:
                body = body - excess[key]
            return (lower, body, upper)
    else:
        def expression(model, *key):
            return rows[key[0] if len(key) == 1 else key]
    m.add_component(rule_name, pyo.Constraint(keys, rule=expression))
