"""Spec §3 rule 4: spread a main group's placements over corporations or districts in
proportion to their share of the supply, within a tolerance.

Written sparsely: integer columns A[m] (all placements of the main group over the horizon)
and a[m,k,e] (the part in element e of dimension k) carry the sums once, so each spreading
row has two nonzeros instead of all of the main group's x.
"""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo

from ..data import ALL_GROUPS, ModelData, ceil_tolerant, floor_tolerant
from .rules import add_rows


def spreading_rules(data: ModelData):
    """(dimension, main group key, tolerance) per rule; ALL_GROUPS for main_group null.
    Two rules on the same dimension and main group: the tighter tolerance binds."""
    tightest: dict[tuple[str, str], float] = {}
    for rule in data.scenario.rules.spreading:
        key = (rule.dimension, rule.main_group or ALL_GROUPS)
        tightest[key] = min(rule.tolerance, tightest.get(key, 1.0))
    return [(k, m, tau) for (k, m), tau in tightest.items()]


def add_spreading(m: pyo.ConcreteModel, data: ModelData) -> None:
    """`placements_definition[m,k,e]`: a[m,k,e] = sum of x of groups in m with element e;
    `spreading_lower[k,m,e]`: a_e - (1-tau) s_e A >= -1;
    `spreading_upper[k,m,e]`: a_e - (1+tau) s_e A <= +1.

    A[m] is the sum of a[m,k,e] over the elements of the first dimension it is spread over.
    Its integer bounds are rounded from the rows above (Chvatal-Gomory): with U_e the most m
    can place in e, A <= floor((U_e + 1) / ((1-tau) s_e)); with L_e what is realised in e,
    A >= ceil((L_e - 1) / ((1+tau) s_e)). The LP relaxation misses this rounding by itself,
    which is what made the straightforward formulation slow to prove optimality."""
    rules = spreading_rules(data)
    main_groups = sorted({mg for _, mg, _ in rules})
    dims_of: dict[str, list[str]] = defaultdict(list)
    for k, mg, _ in rules:
        if k not in dims_of[mg]:
            dims_of[mg].append(k)
    shares = {k: data.supply_share(k) for k in ("corporation", "district")}
    placement_index = [(mg, k, e) for mg in main_groups for k in dims_of[mg] for e in shares[k]]
    m.placements = pyo.Var(placement_index, domain=pyo.NonNegativeIntegers)
    m.main_group_total = pyo.Var(main_groups, domain=pyo.NonNegativeIntegers)

    rows = {(mg, k, e): (0, m.placements[mg, k, e] - m.view.placements(mg, k, e), 0)
            for mg, k, e in placement_index}
    # A[m] = sum over the elements of one dimension (any one partitions the placements)
    total_rows = {(mg, "total", "all"): (0, m.main_group_total[mg] - pyo.quicksum(
        m.placements[mg, dims_of[mg][0], e] for e in shares[dims_of[mg][0]]), 0) for mg in main_groups}
    add_rows(m, "placements_definition", {**rows, **total_rows})

    lower_rows, upper_rows = {}, {}
    total_upper: dict[str, int] = {}
    total_lower: dict[str, int] = {}
    for k, mg, tau in rules:
        for e, share in shares[k].items():
            a_e, A = m.placements[mg, k, e], m.main_group_total[mg]
            lower_rows[k, mg, e] = (-1, a_e - (1 - tau) * share * A, None)
            upper_rows[k, mg, e] = (None, a_e - (1 + tau) * share * A, 1)
            if share > 0 and tau < 1:
                u_e = data.placement_upper_bound(mg, k, e)
                bound = floor_tolerant((u_e + 1) / ((1 - tau) * share))
                total_upper[mg] = min(bound, total_upper.get(mg, bound))
            l_e = data.placement_lower_bound(mg, k, e)
            if share > 0 and l_e > 1:
                total_lower[mg] = max(ceil_tolerant((l_e - 1) / ((1 + tau) * share)),
                                      total_lower.get(mg, 0))
    add_rows(m, "spreading_lower", lower_rows)
    add_rows(m, "spreading_upper", upper_rows)
    if not m.elastic:
        # Valid only when the spreading rows hold; the elastic diagnosis may relax them.
        for mg in main_groups:
            m.main_group_total[mg].setub(total_upper.get(mg))
            m.main_group_total[mg].setlb(total_lower.get(mg, 0))
