"""The files of spec §5: allocation.csv, summary.json, allocation.xlsx (and diagnosis.json).

Every file is written atomically; the workbook is for people: one table a sheet, labelled."""

from __future__ import annotations

import json
import math
from io import BytesIO
from pathlib import Path
from typing import Any

import pandas as pd

from .io import atomic_write, keep_text
from .pipeline import PlanReport, Solution
from .results import ALLOCATION_COLUMNS


def _clean(value: Any) -> Any:
    """JSON-safe: numpy and pandas scalars to Python, NaN/NA to null."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def plan_kpis(report: PlanReport) -> dict:
    """Spec §4 for one plan: per group (with housed per period), per main group, total."""
    housed = report.kpis.housed
    groups = []
    for row in report.kpis.groups.to_dict("records"):
        per_period = housed[housed.group == row["group"]]
        groups.append({
            "id": row["group"], **{k: v for k, v in row.items() if k != "group"},
            "housed": dict(zip(per_period.period, per_period.housed)),
            "overdue": dict(zip(per_period.period, per_period.overdue)),
            "queue": dict(zip(per_period.period, per_period.queue)),
        })
    return _clean({
        "objective": report.objective,
        "objective_terms": report.evaluation.terms,
        "groups": groups,
        "main_groups": report.kpis.main_groups.to_dict("records"),
        "total": report.kpis.total,
        "rules_broken": [{"rule": r.rule, "text": r.text, "by_dwellings": r.give_way}
                         for r in report.violations.itertuples(index=False)],
    })


def summary_dict(solution: Solution) -> dict:
    """summary.json: run status and KPIs of the plan, and the same KPIs for the rule of thumb."""
    plan = plan_kpis(solution.plan) if solution.plan else None
    summary = {
        "scenario": solution.scenario.name,
        "status": solution.status.value,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "build_seconds": round(solution.build_seconds, 4),
        "solve_seconds": round(solution.solve_seconds, 4),
        "seconds": round(solution.seconds, 4),
        "time_limit": solution.options.time_limit,
        "mip_gap": solution.options.mip_gap,
        "message": solution.message,
        "dwellings_allocated": int(solution.allocation.dwellings.sum()),
        "objective_terms": plan["objective_terms"] if plan else None,
        "groups": plan["groups"] if plan else [],
        "main_groups": plan["main_groups"] if plan else [],
        "total": plan["total"] if plan else None,
        "rule_of_thumb": plan_kpis(solution.rule_of_thumb),
    }
    if solution.plan:
        summary["gain_over_rule_of_thumb"] = solution.rule_of_thumb.objective - solution.plan.objective
    if solution.plan and solution.scenario.rules.objective == "fair":
        summary["objective_kind"] = "fair"
        summary["largest_overdue_share"] = _largest_overdue_share(solution.plan)
    for name, plan in solution.alternatives.items():
        summary.setdefault("alternatives", {})[name] = {
            **plan_kpis(plan), "largest_overdue_share": _largest_overdue_share(plan)}
    return _clean(summary)


def _largest_overdue_share(plan: PlanReport) -> float:
    """max over groups of sum_p O[g,p] / sum_p Due[g,p] (the fair objective's measure)."""
    housed = plan.kpis.housed
    sums = housed.groupby("group")[["overdue", "due"]].sum()
    sums = sums[sums.due > 0]
    return float((sums.overdue / sums.due).max()) if len(sums) else 0.0


def write_json(path: Path, content: dict) -> None:
    with atomic_write(path) as handle:
        json.dump(content, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def allocation_csv_text(allocation: pd.DataFrame) -> str:
    """allocation.csv as text: the header of spec §5, one row per non-zero allocation."""
    return allocation[ALLOCATION_COLUMNS].to_csv(index=False, lineterminator="\n")


def write_allocation_csv(path: Path, allocation: pd.DataFrame) -> None:
    with atomic_write(path) as handle:
        handle.write(allocation_csv_text(allocation))


def pivot(allocation: pd.DataFrame, rows: str, columns: str, labels: dict[str, dict[str, str]],
          row_order: list[str], column_order: list[str]) -> pd.DataFrame:
    """Dwellings by `rows` x `columns`, every id in scenario order, totals added."""
    table = (allocation.pivot_table(index=rows, columns=columns, values="dwellings",
                                    aggfunc="sum", fill_value=0)
             if len(allocation) else pd.DataFrame())
    table = table.reindex(index=row_order, columns=column_order, fill_value=0).fillna(0).astype(int)
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    table.index = [labels.get(rows, {}).get(i, i) for i in table.index]
    table.columns = [labels.get(columns, {}).get(c, c) for c in table.columns]
    return table


def workbook_tables(solution: Solution) -> dict[str, pd.DataFrame]:
    """The sheets of allocation.xlsx, in reading order."""
    s = solution.scenario
    alloc = solution.allocation.copy()
    main_of = {g.id: g.main_group for g in s.groups}
    alloc["main_group"] = alloc.group.map(main_of)
    labels = {
        "group": {g.id: g.name for g in s.groups},
        "main_group": {m.id: m.name for m in s.main_groups},
        "dwelling_type": {t.id: t.name for t in s.dwelling_types},
        "corporation": {c.id: c.name for c in s.corporations},
        "district": {d.id: d.name for d in s.districts},
    }
    groups, mains = [g.id for g in s.groups], [m.id for m in s.main_groups]
    summary = pd.DataFrame([
        ("Scenario", s.name), ("Status", solution.status.value), ("Objective", solution.objective),
        ("Best bound", solution.bound), ("Relative gap", solution.gap),
        ("Build seconds", round(solution.build_seconds, 3)), ("Solve seconds", round(solution.solve_seconds, 3)),
        ("Dwellings allocated", int(alloc.dwellings.sum())),
        ("Rule of thumb objective", solution.rule_of_thumb.objective),
    ], columns=["", "value"])
    tables = {"Summary": summary}
    if solution.plan is not None:
        kpis = solution.plan.kpis
        tables["KPIs per group"] = kpis.groups
        tables["KPIs per main group"] = pd.concat([kpis.main_groups, pd.DataFrame([kpis.total])],
                                                  ignore_index=True)
    tables["Group x type"] = pivot(alloc, "group", "dwelling_type", labels, groups, [t.id for t in s.dwelling_types])
    tables["Group x period"] = pivot(alloc, "group", "period", labels, groups, list(s.periods))
    tables["Corporation x main group"] = pivot(alloc, "corporation", "main_group", labels,
                                               [c.id for c in s.corporations], mains)
    tables["District x main group"] = pivot(alloc, "district", "main_group", labels,
                                            [d.id for d in s.districts], mains)
    tables["Allocation"] = solution.allocation
    tables["Rule of thumb KPIs"] = solution.rule_of_thumb.kpis.groups
    tables["Rule of thumb breaks"] = solution.rule_of_thumb.violations.drop(columns=["index"])
    if solution.plan is None and len(solution.diagnosis):
        tables["Diagnosis"] = solution.diagnosis
    for name, plan in solution.alternatives.items():
        tables[f"KPIs {name} objective"] = plan.kpis.groups
    return tables


def _write_tables(handle, tables: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(handle, engine="openpyxl") as writer:
        for name, frame in tables.items():
            index = name.startswith(("Group x", "Corporation x", "District x"))
            frame.to_excel(writer, sheet_name=name[:31], index=index)
            sheet = writer.sheets[name[:31]]
            keep_text(sheet)
            for column in sheet.columns:  # readable widths
                width = max(len(str(c.value or "")) for c in column)
                sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)


def write_workbook(path: Path, solution: Solution) -> None:
    with atomic_write(path, binary=True) as handle:
        _write_tables(handle, workbook_tables(solution))


def workbook_bytes(solution: Solution) -> bytes:
    """The workbook in memory, for downloads."""
    buffer = BytesIO()
    _write_tables(buffer, workbook_tables(solution))
    return buffer.getvalue()


def diagnosis_dict(solution: Solution) -> dict:
    from .diagnose import diagnosis_sentences

    return _clean({
        "scenario": solution.scenario.name,
        "status": solution.status.value,
        "explanation": "The hard rules of this scenario cannot all hold. Each entry names a rule "
                       "and by how many dwellings it would have to give way for a plan to exist.",
        "conflicts": [
            {k: v for k, v in row.items() if v is not None}
            for row in solution.diagnosis.astype(object).where(solution.diagnosis.notna(), None).to_dict("records")
        ],
        "sentences": diagnosis_sentences(solution.diagnosis),
    })


def write_outputs(out_dir: Path, solution: Solution, extra_tables: dict[str, pd.DataFrame] | None = None,
                  extra_summary: dict | None = None) -> list[Path]:
    """Everything `solve` promises in DIR (spec §5); a re-solve adds its own tables (sheets of
    the workbook) and sections of summary.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if solution.plan is not None:
        write_allocation_csv(out_dir / "allocation.csv", solution.allocation)
        with atomic_write(out_dir / "allocation.xlsx", binary=True) as handle:
            _write_tables(handle, {**workbook_tables(solution), **(extra_tables or {})})
        written += [out_dir / "allocation.csv", out_dir / "allocation.xlsx"]
    if len(solution.diagnosis):
        write_json(out_dir / "diagnosis.json", diagnosis_dict(solution))
        written.append(out_dir / "diagnosis.json")
    write_json(out_dir / "summary.json", {**summary_dict(solution), **_clean(extra_summary or {})})
    written.append(out_dir / "summary.json")
    return written
