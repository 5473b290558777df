"""Results as DataFrames with fixed columns, and the KPIs of spec §4 (FIFO cohorts)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .data import AllocationKey, ModelData
from .formulation.evaluate import Evaluation

ALLOCATION_COLUMNS = ["group", "dwelling_type", "corporation", "district", "period", "dwellings"]
HOUSED_COLUMNS = ["group", "main_group", "period", "housed", "housed_cumulative", "arrived",
                  "due", "overdue", "queue"]
KPI_COLUMNS = ["group", "label", "main_group", "housed_total", "quota", "quota_deviation",
               "overdue_household_months", "weighted_overdue_household_months", "queue_end",
               "housed_within_target", "share_within_target"]


def allocation_frame(allocation: dict[AllocationKey, int]) -> pd.DataFrame:
    """The non-zero x as rows of ALLOCATION_COLUMNS, in model order."""
    rows = [(*key, int(n)) for key, n in allocation.items() if n]
    return pd.DataFrame(rows, columns=ALLOCATION_COLUMNS).astype({"dwellings": "int64"})


def allocation_dict(frame: pd.DataFrame) -> dict[AllocationKey, int]:
    out: dict[AllocationKey, int] = {}
    for row in frame.itertuples(index=False):
        key = (str(row.group), str(row.dwelling_type), str(row.corporation), str(row.district), str(row.period))
        out[key] = out.get(key, 0) + int(row.dwellings)
    return out


def housed_within_target(data: ModelData, group: str, housed: list[int]) -> int:
    """Households housed within the target, dwellings going to the oldest cohort first.

    Cohorts: the overdue part of the starting queue (never within the target), the rest of
    the starting queue (arrival period 0) and each period's inflow (arrival period s). A
    household of cohort s housed in period p is within the target when p - s <= L."""
    spec = data.scenario.group(group)
    L = data.lag[group]
    cohorts = [(-math.inf, spec.overdue_start), (0, spec.waiting_start - spec.overdue_start)]
    within = 0
    for p, n in enumerate(housed, start=1):
        cohorts.append((p, spec.inflow[p - 1]))
        left = n
        for i, (arrival, size) in enumerate(cohorts):
            if left == 0:
                break
            take = min(size, left)
            if take and p - arrival <= L:
                within += take
            cohorts[i] = (arrival, size - take)
            left -= take
    return within


@dataclass(frozen=True)
class Kpis:
    """The KPIs of spec §4 for one plan."""

    housed: pd.DataFrame
    """HOUSED_COLUMNS: one row per group and period."""
    groups: pd.DataFrame
    """KPI_COLUMNS: one row per group."""
    main_groups: pd.DataFrame
    total: dict


def compute_kpis(data: ModelData, evaluation: Evaluation) -> Kpis:
    s = data.scenario
    mpp = data.months_per_period
    housed_rows, group_rows = [], []
    for g in s.groups:
        cumulative, series = 0, []
        for p in data.periods:
            n = evaluation.housed[g.id, p]
            cumulative += n
            series.append(n)
            housed_rows.append({
                "group": g.id, "main_group": g.main_group, "period": p, "housed": n,
                "housed_cumulative": cumulative, "arrived": data.arrived[g.id, p],
                "due": data.due[g.id, p], "overdue": max(0, data.due[g.id, p] - cumulative),
                "queue": data.arrived[g.id, p] - cumulative})
        overdue_months = mpp * sum(max(0, r["overdue"]) for r in housed_rows if r["group"] == g.id)
        within = housed_within_target(data, g.id, series)
        group_rows.append({
            "group": g.id, "label": g.name, "main_group": g.main_group, "housed_total": cumulative,
            "quota": g.quota, "quota_deviation": None if g.quota is None else cumulative - g.quota,
            "overdue_household_months": overdue_months,
            "weighted_overdue_household_months": g.weight * overdue_months,
            "queue_end": data.arrived[g.id, data.last_period] - cumulative,
            "housed_within_target": within,
            "share_within_target": within / cumulative if cumulative else None})
    groups = pd.DataFrame(group_rows, columns=KPI_COLUMNS).astype(
        {"quota": "Int64", "quota_deviation": "Int64", "share_within_target": "Float64"})
    housed = pd.DataFrame(housed_rows, columns=HOUSED_COLUMNS)
    main_rows = [_aggregate(groups[groups.main_group == mg.id], {"main_group": mg.id, "label": mg.name})
                 for mg in s.main_groups]
    main_groups = pd.DataFrame(main_rows)
    return Kpis(housed=housed, groups=groups, main_groups=main_groups,
                total=_aggregate(groups, {"main_group": "total", "label": "Total"}))


def _aggregate(frame: pd.DataFrame, head: dict) -> dict:
    housed = int(frame.housed_total.sum())
    within = int(frame.housed_within_target.sum())
    with_quota = frame[frame.quota.notna()]  # groups without a quota have no deviation
    quota = int(with_quota.quota.sum()) if len(with_quota) else None
    return {
        **head,
        "housed_total": housed,
        "quota": quota,
        "quota_deviation": None if quota is None else int(with_quota.housed_total.sum()) - quota,
        "overdue_household_months": float(frame.overdue_household_months.sum()),
        "weighted_overdue_household_months": float(frame.weighted_overdue_household_months.sum()),
        "queue_end": int(frame.queue_end.sum()),
        "housed_within_target": within,
        "share_within_target": within / housed if housed else None,
    }
