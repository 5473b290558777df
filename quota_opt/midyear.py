"""The mid-year re-solve: a scenario plus what was allocated so far (CSV or xlsx), updated
forecasts, the previous plan and the commitment lag, merged into one scenario (spec §2 with
the `realised` part, plus the extensions `commit_lag` and `previous_plan`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import Problem, ScenarioError
from .io import read_raw
from .schema import Scenario, parse_scenario

ALLOCATION_COLUMNS = ["group", "dwelling_type", "corporation", "district", "period", "dwellings"]
UPDATE_COLUMNS = ["group", "field", "period", "value"]
UPDATABLE = ("inflow", "forecast_uptake", "waiting_start", "overdue_start", "quota", "weight")


def _table(path: Path, sheet: str | None, columns: list[str], what: str) -> list[dict]:
    """Rows of a CSV file or of one sheet of a workbook, checked for the columns and for
    whole, non-negative dwellings; problems name the file, the row and the value."""
    source = str(path)
    if not path.is_file():
        raise ScenarioError(source, [Problem("(file)", "no such file", source)])
    try:
        if path.suffix.lower() == ".xlsx":
            sheets = pd.read_excel(path, sheet_name=None, dtype=object, keep_default_na=False, na_values=[])
            name = sheet if sheet in sheets else next(iter(sheets))
            frame = sheets[name]
        else:
            frame = pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[])
    except Exception as exc:  # noqa: BLE001 - any unreadable file is the user's input problem
        raise ScenarioError(source, [Problem("(file)", f"cannot read {what}: {exc}", path.name)]) from None
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ScenarioError(source, [Problem("(header)", f"{what} needs the columns {', '.join(columns)}; "
                                             f"missing {', '.join(missing)}", list(frame.columns))])
    rows = []
    for record in frame[columns].to_dict("records"):
        rows.append({k: _cell(v) for k, v in record.items()})
    return rows


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            number = float(text)
            return int(number) if number.is_integer() else number
        except ValueError:
            return text
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_allocations(path: Path) -> list[dict]:
    """allocation.csv rows (or the 'realised'/'allocation' sheet of a workbook)."""
    sheet = "realised"
    if path.suffix.lower() == ".xlsx":
        names = pd.ExcelFile(path).sheet_names
        sheet = next((n for n in ("realised", "allocations", "Allocation", "allocation") if n in names), names[0])
    rows = _table(path, sheet, ALLOCATION_COLUMNS, "an allocation table")
    for row in rows:
        for key in ("group", "dwelling_type", "corporation", "district", "period"):
            if isinstance(row[key], (int, float)):
                row[key] = str(row[key])
    return rows


def read_updates(path: Path) -> list[dict]:
    """Updated forecasts: rows of group, field, period (for per-period fields), value."""
    return _table(path, "updates", UPDATE_COLUMNS, "an update table")


def apply_updates(raw: dict, updates: list[dict], source: str) -> None:
    periods = [str(p) for p in raw.get("periods", [])]
    groups = {str(g.get("id")): g for g in raw.get("groups", []) if isinstance(g, dict)}
    problems = []
    for i, row in enumerate(updates, start=2):
        where = f"row {i}"
        group = groups.get(str(row["group"]))
        if group is None:
            problems.append(Problem(f"{where}.group", "unknown group id", row["group"]))
            continue
        field = row["field"]
        if field not in UPDATABLE:
            problems.append(Problem(f"{where}.field", f"can update only {', '.join(UPDATABLE)}", field))
            continue
        if field in ("inflow", "forecast_uptake"):
            if str(row["period"]) not in periods:
                problems.append(Problem(f"{where}.period", "unknown period id", row["period"]))
                continue
            values = list(group.get(field) or [0] * len(periods))
            values[periods.index(str(row["period"]))] = row["value"]
            group[field] = values
        else:
            group[field] = row["value"]
    if problems:
        raise ScenarioError(source, problems)


def resolve_scenario(scenario_path: Path, realised_path: Path, fixed_through: str,
                     commit_lag: int = 0, previous_dir: Path | None = None,
                     updates_path: Path | None = None, stability_weight: float | None = None,
                     objective: str | None = None) -> Scenario:
    """The scenario of a re-solve, validated as a whole (ScenarioError on any problem)."""
    raw = read_raw(scenario_path)
    if not isinstance(raw, dict):
        return parse_scenario(raw, str(scenario_path))  # raises: not a scenario
    raw = dict(raw)
    raw["realised"] = {"fixed_through": fixed_through, "allocations": read_allocations(realised_path),
                       "commit_lag": commit_lag}
    if previous_dir is not None:
        plan = previous_dir / "allocation.csv" if previous_dir.is_dir() else previous_dir
        raw["previous_plan"] = read_allocations(plan)
    if updates_path is not None:
        apply_updates(raw, read_updates(updates_path), str(updates_path))
    elif realised_path.suffix.lower() == ".xlsx" and "updates" in pd.ExcelFile(realised_path).sheet_names:
        apply_updates(raw, read_updates(realised_path), f"{realised_path} (sheet updates)")
    override_rules(raw, stability_weight, objective)
    return parse_scenario(raw, f"{scenario_path} with {realised_path}")


def override_rules(raw: dict, stability_weight: float | None, objective: str | None) -> None:
    """The re-solve's choices (when made) over the scenario's rules, in the raw scenario."""
    rules = dict(raw.get("rules") or {})
    if stability_weight is not None:
        rules["stability_weight"] = stability_weight
    if objective is not None:
        rules["objective"] = objective
    raw["rules"] = rules
