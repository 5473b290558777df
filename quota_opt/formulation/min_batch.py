"""Spec §3 rule 6: a group that gets anything from a corporation gets at least a batch."""

from __future__ import annotations

import pyomo.environ as pyo

from ..data import ModelData
from .rules import add_rows


def add_min_batch(m: pyo.ConcreteModel, data: ModelData) -> None:
    """For a rule (group g, batch k) and each corporation c that g can get dwellings from:
    binary y[g,c] (`uses_corporation`), and with X = sum over t,d,p of x[g,t,c,d,p]:
    `min_batch_lower[g,c]`: X - k y >= 0;   `min_batch_link[g,c]`: X - M y <= 0,
    M = `ModelData.batch_big_m`. A batch of 0 or 1 is implied by integrality: no rows.
    Where g already has realised dwellings R > 0 from c, y[g,c] = 1 (by its bound): the
    link row forces it in any integer plan, but its LP relaxation only gives y >= R/M."""
    batches = {b.group: b.dwellings for b in data.scenario.rules.min_batch if b.dwellings > 1}
    index = [(g, c) for g in batches for c in (co.id for co in data.scenario.corporations)
             if m.view.has_from_corporation(g, c)]
    m.uses_corporation = pyo.Var(index, domain=pyo.Binary)
    lower, link = {}, {}
    for g, c in index:
        total = m.view.from_corporation(g, c)
        # the elastic model may relax max_housed and arrivals: its M must not lean on them
        big_m = data.batch_big_m(g, c, tight=not m.elastic)
        lower[g, c] = (0, total - batches[g] * m.uses_corporation[g, c], None)
        link[g, c] = (None, total - big_m * m.uses_corporation[g, c], 0)
        if not m.elastic and data.realised_from_corporation(g, c) > 0:
            # realised (or committed) dwellings from c make y = 1 in every plan; the LP
            # relaxation would otherwise take y = R/M and let the batch shrink with it
            m.uses_corporation[g, c].setlb(1)
    add_rows(m, "min_batch_lower", lower)
    add_rows(m, "min_batch_link", link)
