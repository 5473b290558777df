"""Hypothesis strategies: small valid scenario dicts in the format of spec §2.

`scenarios()` draws 1-3 groups, 1-2 dwelling types, corporations and districts, 1-3 periods,
supply 0-4 per cell, and optionally quotas, bounds, spreading, district caps, min batches,
per-group targets and a realised part. `micro_scenarios()` draws instances small enough for
the brute-force oracle: at most 4 supply cells of at most 2 dwellings, at most 2 groups.
The rules are drawn independently, so a scenario may well be infeasible; that is intended.
"""

from __future__ import annotations

import copy
import random

from hypothesis import strategies as st

WEIGHTS = [0.0, 0.5, 1.0, 2.0, 3.0]
TOLERANCES = [0.0, 0.1, 0.25, 0.5, 1.0]
QUOTA_WEIGHTS = [0.0, 0.5, 1.0]
REWARDS = [0.0, 0.01, 0.1]
ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_- éß*"


def chance(draw, probability: float) -> bool:
    """True with about the given probability; shrinks towards False (the simpler scenario)."""
    return draw(st.integers(0, 99)) >= 100 - round(100 * probability)


def _maybe(draw, strategy, probability: float = 0.3):
    """`strategy`'s value with about the given probability, else None."""
    return draw(strategy) if chance(draw, probability) else None


@st.composite
def scenarios(draw, *, max_groups: int = 3, max_types: int = 2, max_corporations: int = 2,
              max_districts: int = 2, max_periods: int = 3, max_supply: int = 4,
              min_supply: int = 0, max_cells: int | None = None, rules: bool = True,
              realised: bool = True, min_bound_chance: float = 0.1) -> dict:
    """A valid scenario dict. `max_cells` limits the number of supply cells (sparse supply);
    without it every cell gets a supply row (some of them zero). `min_bound_chance`: how
    often each lower bound of a group (min_housed, per period, cumulative) is drawn, the
    main source of infeasible scenarios."""
    n_periods = draw(st.integers(1, max_periods))
    periods = [f"P{k}" for k in range(1, n_periods + 1)]
    types = [f"t{k}" for k in range(1, draw(st.integers(1, max_types)) + 1)]
    corporations = [f"c{k}" for k in range(1, draw(st.integers(1, max_corporations)) + 1)]
    districts = [f"d{k}" for k in range(1, draw(st.integers(1, max_districts)) + 1)]
    main_groups = [f"m{k}" for k in range(1, draw(st.integers(1, 2)) + 1)]
    months = draw(st.sampled_from([1, 3]))
    target = months * draw(st.integers(1, 3))

    groups = []
    for k in range(1, draw(st.integers(1, max_groups)) + 1):
        waiting = draw(st.integers(0, 6))
        group = {
            "id": f"g{k}",
            "main_group": draw(st.sampled_from(main_groups)),
            "eligible_types": draw(st.lists(st.sampled_from(types), unique=True,
                                            min_size=0 if chance(draw, 0.05) else 1)),
            "waiting_start": waiting,
            "overdue_start": draw(st.integers(0, waiting)),
            "inflow": draw(st.lists(st.integers(0, 4), min_size=n_periods, max_size=n_periods)),
        }
        if draw(st.booleans()):
            group["weight"] = draw(st.sampled_from(WEIGHTS))
        if chance(draw, 0.3):
            group["target_months"] = months * draw(st.integers(1, 3))
        if draw(st.booleans()):
            group["quota"] = draw(st.integers(0, 10))
        if rules:
            optional = {
                "min_housed": _maybe(draw, st.integers(0, 5), min_bound_chance),
                "max_housed": _maybe(draw, st.integers(0, 8), 0.15),
                "min_housed_per_period": _maybe(draw, st.lists(
                    st.one_of(st.none(), st.integers(0, 3)), min_size=n_periods,
                    max_size=n_periods), min_bound_chance),
                "max_housed_per_period": _maybe(draw, st.lists(
                    st.one_of(st.none(), st.integers(0, 4)), min_size=n_periods,
                    max_size=n_periods), 0.15),
                "min_cumulative": _maybe(draw, st.lists(st.fixed_dictionaries({
                    "period": st.sampled_from(periods), "dwellings": st.integers(0, 5)}),
                    min_size=1, max_size=2), min_bound_chance),
            }
            group.update({k: v for k, v in optional.items() if v is not None})
        groups.append(group)

    cells = [(c, d, t, p) for c in corporations for d in districts for t in types for p in periods]
    if max_cells is not None:
        cells = draw(st.lists(st.sampled_from(cells), min_size=min(2, len(cells)),
                              max_size=max_cells, unique=True))
    supply = [{"corporation": c, "district": d, "dwelling_type": t, "period": p,
               "dwellings": draw(st.integers(max(1, min_supply), max_supply))
               if chance(draw, 0.75) or min_supply > 0 else 0}
              for c, d, t, p in cells]

    scenario = {
        "schema_version": 1,
        "name": "hypothesis",
        "periods": periods,
        "months_per_period": months,
        "dwelling_types": [{"id": t} for t in types],
        "main_groups": [{"id": m} for m in main_groups],
        "corporations": [{"id": c} for c in corporations],
        "districts": [{"id": d} for d in districts],
        "groups": groups,
        "supply": supply,
    }
    if target != 3 or draw(st.booleans()):
        scenario["target_months"] = target

    rule_block: dict = {"quota_weight": draw(st.sampled_from(QUOTA_WEIGHTS))}
    if draw(st.booleans()):
        rule_block["housing_reward"] = draw(st.sampled_from(REWARDS))
    group_ids = [g["id"] for g in groups]
    if rules:
        main_or_all = st.one_of(st.sampled_from(main_groups), st.none())
        rule_block["spreading"] = _maybe(draw, st.lists(st.fixed_dictionaries({
            "dimension": st.sampled_from(["corporation", "district"]),
            "main_group": main_or_all,
            "tolerance": st.sampled_from(TOLERANCES)}), min_size=1, max_size=2), 0.35) or []
        rule_block["district_caps"] = _maybe(draw, st.lists(st.fixed_dictionaries({
            "district": st.sampled_from(districts),
            "main_group": main_or_all,
            "period": st.one_of(st.none(), st.sampled_from(periods)),
            "max_dwellings": st.integers(0, 6)}), min_size=1, max_size=2), 0.35) or []
        batch_groups = _maybe(draw, st.lists(st.sampled_from(group_ids), min_size=1,
                                             unique=True), 0.35) or []
        rule_block["min_batch"] = [{"group": g, "dwellings": draw(st.integers(0, 3))}
                                   for g in batch_groups]
    scenario["rules"] = rule_block

    if realised and chance(draw, 0.3):
        scenario["realised"] = draw(realised_parts(scenario))
    return scenario


@st.composite
def realised_parts(draw, scenario: dict) -> dict:
    """A realised block for `scenario`: fixed_through and rows that fit the supply of their
    cells (eligibility does not apply to facts, so any group may get any type). Mostly the
    rows also respect the arrivals; now and then they do not (facts can be impossible, and
    the scenario is then infeasible)."""
    periods = scenario["periods"]
    # mostly leave a period to optimise; now and then fix the whole horizon
    free_one = len(periods) > 1 and not chance(draw, 0.15)
    last = draw(st.integers(0, len(periods) - (2 if free_one else 1)))
    group_ids = [g["id"] for g in scenario["groups"]]
    respect_arrivals = not chance(draw, 0.15)
    supply: dict[tuple, int] = {}
    for row in scenario["supply"]:
        cell = (row["corporation"], row["district"], row["dwelling_type"], row["period"])
        supply[cell] = supply.get(cell, 0) + row["dwellings"]
    arrived = {g["id"]: g.get("waiting_start", 0) for g in scenario["groups"]}
    allocations = []
    for k, period in enumerate(periods[: last + 1]):
        for g in scenario["groups"]:
            arrived[g["id"]] += g["inflow"][k]
        for (c, d, t, p), n in supply.items():
            if p != period or n == 0 or not draw(st.booleans()):
                continue
            left = n
            for g in draw(st.permutations(group_ids)):
                most = min(left, arrived[g]) if respect_arrivals else left
                take = draw(st.integers(0, most))
                if take:
                    allocations.append({"group": g, "dwelling_type": t, "corporation": c,
                                        "district": d, "period": p, "dwellings": take})
                left -= take
                arrived[g] -= take
    return {"fixed_through": periods[last], "allocations": allocations}


def micro_scenarios(**overrides) -> st.SearchStrategy[dict]:
    """Scenarios for the brute-force oracle: <= 4 cells of <= 2 dwellings, <= 2 groups,
    so at most 8 allocation keys."""
    options = {"max_groups": 2, "max_periods": 2, "max_supply": 2, "min_supply": 1,
               "max_cells": 4, **overrides}
    return scenarios(**options)


# --------------------------------------------------------------------- relabelling (§ invariance)

ID_KINDS = ("periods", "dwelling_types", "main_groups", "corporations", "districts", "groups")


def ids_of(scenario: dict, kind: str) -> list[str]:
    return [str(item["id"]) if isinstance(item, dict) else str(item) for item in scenario[kind]]


@st.composite
def relabellings(draw, scenario: dict) -> tuple[dict, dict]:
    """A renaming of every id (new, unique, free text) and a seed for shuffling."""
    total = sum(len(scenario[kind]) for kind in ID_KINDS)
    names = draw(st.lists(st.text(ID_ALPHABET, min_size=1, max_size=6).filter(str.strip),
                          min_size=total, max_size=total, unique=True))
    mapping, names = {}, iter(names)
    for kind in ID_KINDS:
        mapping[kind] = {old: next(names) for old in ids_of(scenario, kind)}
    return mapping, draw(st.integers(0, 2**32 - 1))


def scenarios_with_relabelling(**options) -> st.SearchStrategy[tuple[dict, tuple[dict, int]]]:
    """(scenario, (renaming, shuffle seed)) pairs for the invariance property."""
    return scenarios(**options).flatmap(lambda raw: st.tuples(st.just(raw), relabellings(raw)))


def identity_mapping(scenario: dict) -> dict[str, dict[str, str]]:
    """The renaming that renames nothing; start from it to rename a few ids by hand."""
    return {kind: {i: i for i in ids_of(scenario, kind)} for kind in ID_KINDS}


def relabel(scenario: dict, mapping: dict[str, dict[str, str]], seed: int) -> dict:
    """The same scenario with every id renamed, the entity lists (not the periods), the
    supply rows and the realised rows shuffled, and some of those rows split in two rows of
    the same cell or key (spec §2: such rows add up)."""
    rng = random.Random(seed)
    s = copy.deepcopy(scenario)
    period, dtype = mapping["periods"], mapping["dwelling_types"]
    main, corp, dist, group = (mapping["main_groups"], mapping["corporations"],
                               mapping["districts"], mapping["groups"])
    s["periods"] = [period[p] for p in s["periods"]]
    for kind in ("dwelling_types", "main_groups", "corporations", "districts"):
        s[kind] = [{**item, "id": mapping[kind][str(item["id"])]} if isinstance(item, dict)
                   else mapping[kind][str(item)] for item in s[kind]]
        rng.shuffle(s[kind])

    def renamed_row(row: dict) -> dict:
        row = dict(row)
        for field, names in (("group", group), ("dwelling_type", dtype), ("corporation", corp),
                             ("district", dist), ("period", period)):
            if field in row:
                row[field] = names[row[field]]
        return row

    for g in s["groups"]:
        g["id"] = group[g["id"]]
        g["main_group"] = main[g["main_group"]]
        g["eligible_types"] = [dtype[t] for t in g["eligible_types"]]
        for entry in g.get("min_cumulative") or []:
            entry["period"] = period[entry["period"]]
    rng.shuffle(s["groups"])
    supply = []
    for row in s["supply"]:
        row = renamed_row(row)
        if row["dwellings"] >= 2 and rng.random() < 0.5:
            part = rng.randint(1, row["dwellings"] - 1)
            supply += [{**row, "dwellings": part}, {**row, "dwellings": row["dwellings"] - part}]
        else:
            supply.append(row)
    rng.shuffle(supply)
    s["supply"] = supply
    rules = s.get("rules") or {}
    for rule in rules.get("spreading") or []:
        if rule["main_group"] is not None:
            rule["main_group"] = main[rule["main_group"]]
    for cap in rules.get("district_caps") or []:
        cap["district"] = dist[cap["district"]]
        if cap.get("main_group") is not None:
            cap["main_group"] = main[cap["main_group"]]
        if cap.get("period") is not None:
            cap["period"] = period[cap["period"]]
    for batch in rules.get("min_batch") or []:
        batch["group"] = group[batch["group"]]
    if s.get("realised"):
        s["realised"]["fixed_through"] = period[s["realised"]["fixed_through"]]
        rows = []
        for row in map(renamed_row, s["realised"]["allocations"]):
            if row["dwellings"] >= 2 and rng.random() < 0.5:  # rows of one key add up
                part = rng.randint(1, row["dwellings"] - 1)
                rows += [{**row, "dwellings": part}, {**row, "dwellings": row["dwellings"] - part}]
            else:
                rows.append(row)
        rng.shuffle(rows)
        s["realised"]["allocations"] = rows
    return s
