"""The mixed-integer program of spec §3, one function per rule, built in spec order.

`build_model(data)` gives the model to optimise; `build_model(data, elastic=True)` the same
rules with every relaxable row made elastic, which `diagnose.py` uses to say which rules
conflict and by how many dwellings.
"""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ModelData
from .aggregation import add_aggregated_variables, add_class_link_and_capacity, disaggregate
from .bounds import add_group_bounds
from .fairness import add_fairness
from .self_searching import add_uptake
from .stability import add_stability
from .district_caps import add_district_caps
from .min_batch import add_min_batch
from .objective import add_objective, add_quota_deviation, objective_terms
from .queue import add_arrival_limit, add_housed_definition, add_overdue_definition
from .rules import RULES, Rule
from .spreading import add_spreading
from .supply import add_supply_limit
from .variables import add_variables

__all__ = ["FORMULATIONS", "RULES", "Rule", "build_model", "disaggregate", "objective_terms"]


FORMULATIONS = ("aggregated", "reference")


def build_model(data: ModelData, elastic: bool = False, formulation: str = "reference") -> pyo.ConcreteModel:
    """The reference formulation has one x per (g,t,c,d,p) as spec §3 writes it; the
    aggregated one (aggregation.py) has the same optimum with far fewer integer columns."""
    if formulation not in FORMULATIONS:
        raise ValueError(f"unknown formulation {formulation!r}; choose from {FORMULATIONS}")
    m = pyo.ConcreteModel(name=data.scenario.name)
    m.formulation = formulation
    m.elastic = elastic
    m.slacks = []  # (rule name, short var, excess var) of the elastic rows
    m.unit = pyo.Var(bounds=(1, 1))  # stands in for a constant in rows without variables
    if formulation == "aggregated":
        add_aggregated_variables(m, data)
        add_housed_definition(m, data)
        add_class_link_and_capacity(m, data)  # rule 1
    else:
        add_variables(m, data)
        add_housed_definition(m, data)
        add_supply_limit(m, data)          # rule 1
    add_arrival_limit(m, data)         # rule 2
    add_overdue_definition(m, data)    # rule 2
    add_group_bounds(m, data)          # rule 3
    add_spreading(m, data)             # rule 4
    add_district_caps(m, data)         # rule 5
    add_min_batch(m, data)             # rule 6
    add_uptake(m, data)                # extension: self-searching groups
    add_stability(m, data)             # extension: plan stability
    add_fairness(m, data)              # extension: fair objective
    # rule 7 (realised) freezes x by bounds in add_variables
    add_quota_deviation(m, data)
    add_objective(m, data)
    return m
