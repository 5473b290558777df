"""What a re-solve changed: the previous plan against what was realised and the revised plan,
per group, main group, dwelling type, corporation and period; and how many dwellings the
revision moved between contingents (group, corporation, dwelling type, period)."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from .data import AllocationKey, ModelData

CHANGE_COLUMNS = ["dimension", "id", "period", "planned", "realised", "revised", "change"]
DIMENSIONS = ("group", "main_group", "dwelling_type", "corporation")


def _by(allocation: dict[AllocationKey, int], data: ModelData, dimension: str) -> dict[tuple, int]:
    out: dict[tuple, int] = defaultdict(int)
    for (g, t, c, d, p), n in allocation.items():
        ident = {"group": g, "main_group": data.main_group_of[g], "dwelling_type": t, "corporation": c}[dimension]
        out[ident, p] += n
    return out


def what_changed(data: ModelData, revised: dict[AllocationKey, int]) -> pd.DataFrame:
    """CHANGE_COLUMNS, one row per dimension, id and period (and a 'total' period per id):
    planned = the previous plan, realised = what the realised rows say (periods up to
    fixed_through, else empty), revised = the new plan (realised and committed included),
    change = revised - planned."""
    s = data.scenario
    actual = {}
    for a in (s.realised.allocations if s.realised else []):
        key = (a.group, a.dwelling_type, a.corporation, a.district, a.period)
        actual[key] = actual.get(key, 0) + a.dwellings
    ids = {"group": [g.id for g in s.groups], "main_group": [m.id for m in s.main_groups],
           "dwelling_type": [t.id for t in s.dwelling_types], "corporation": [c.id for c in s.corporations]}
    fixed = set(data.fixed_periods)
    rows = []
    for dimension in DIMENSIONS:
        planned, realised, new = (_by(a, data, dimension) for a in (data.previous, actual, revised))
        for ident in ids[dimension]:
            totals = {"planned": 0, "realised": 0, "revised": 0}
            for p in data.periods:
                row = {"dimension": dimension, "id": ident, "period": p,
                       "planned": planned.get((ident, p), 0),
                       "realised": realised.get((ident, p), 0) if p in fixed else None,
                       "revised": new.get((ident, p), 0)}
                row["change"] = row["revised"] - row["planned"]
                rows.append(row)
                for k in totals:
                    totals[k] += row[k] or 0
            rows.append({"dimension": dimension, "id": ident, "period": "total", **totals,
                         "realised": totals["realised"] if fixed else None,
                         "change": totals["revised"] - totals["planned"]})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS).astype({"realised": "Int64"})


def dwellings_moved(data: ModelData, revised: dict[AllocationKey, int]) -> dict:
    """Over the periods the re-solve could change (after the commitment lag): the sum over
    contingents (g,c,t,p) of |revised - previous|, and half of it, the dwellings moved from one
    contingent to another."""
    frozen = set(data.fixed_periods) | set(data.committed_periods)
    before: dict[tuple, int] = defaultdict(int)
    after: dict[tuple, int] = defaultdict(int)
    for (g, t, c, d, p), n in data.previous.items():
        if p not in frozen:
            before[g, c, t, p] += n
    for (g, t, c, d, p), n in revised.items():
        if p not in frozen:
            after[g, c, t, p] += n
    changes = sum(abs(after.get(k, 0) - before.get(k, 0)) for k in set(before) | set(after))
    return {"contingent_changes": int(changes), "dwellings_moved": changes / 2,
            "periods": [p for p in data.periods if p not in frozen]}
