"""Small scenario dicts for hand-computed tests: groups default to the first main group,
eligible type 'a' and no inflow; supply rows are tuples."""

from __future__ import annotations

SUPPLY_FIELDS = ("corporation", "district", "dwelling_type", "period", "dwellings")
ALLOCATION_FIELDS = ("group", "dwelling_type", "corporation", "district", "period", "dwellings")


def _entities(items) -> list:
    return [item if isinstance(item, dict) else {"id": item} for item in items]


def scenario_dict(groups, supply, *, periods=("Q1",), types=("a",), corporations=("c1",), districts=("d1",),
                  main_groups=("m1",), rules=None, name="test", **top) -> dict:
    """A scenario dict. `groups`: dicts with at least `id`; `supply`: tuples (corporation,
    district, dwelling_type, period, dwellings); `rules` over quota_weight 0 and housing_reward
    0.01; any other top-level field (realised, previous_plan, ...) as given."""
    full = []
    for g in groups:
        g = dict(g)
        g.setdefault("main_group", main_groups[0])
        g.setdefault("eligible_types", ["a"])
        g.setdefault("inflow", [0] * len(periods))
        full.append(g)
    raw = {
        "schema_version": 1, "name": name, "periods": list(periods), "months_per_period": 3, "target_months": 3,
        "dwelling_types": _entities(types), "main_groups": _entities(main_groups),
        "corporations": _entities(corporations), "districts": _entities(districts), "groups": full,
        "supply": [dict(zip(SUPPLY_FIELDS, row)) for row in supply],
        "rules": {"quota_weight": 0, "housing_reward": 0.01, **(rules or {})},
    }
    raw.update({k: v for k, v in top.items() if v is not None})
    return raw


def allocation_rows(tuples) -> list[dict]:
    """(group, dwelling_type, corporation, district, period, dwellings) tuples as rows."""
    return [dict(zip(ALLOCATION_FIELDS, row)) for row in tuples]
