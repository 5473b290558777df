"""The scenario as tables a person edits (groups, per-period bounds, a supply pivot, rules,
names), and the way back: edited tables -> scenario mapping -> `parse_scenario`, with every
validation problem mapped to the table, row and column it concerns.

Pure functions, no Streamlit: the app's scenario page is a thin layer over them.
"""

from __future__ import annotations

import math
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import Problem, ScenarioError
from .io import SCENARIO_SUFFIXES, load_scenario, scenario_to_dict
from .schema import Scenario, parse_scenario


ENTITY_KINDS = ("dwelling_types", "main_groups", "corporations", "districts")
GROUP_FIELDS = ["label", "main_group", "eligible_types", "weight", "target_months",
                "waiting_start", "overdue_start", "quota", "min_housed", "max_housed", "self_searching"]
GROUP_INT_FIELDS = ["target_months", "waiting_start", "overdue_start", "quota", "min_housed", "max_housed"]
BOUND_KINDS = ("min_housed_per_period", "max_housed_per_period", "min_cumulative")
BOUND_COLUMNS = ["group", "bound", "period", "dwellings"]
SUPPLY_KEYS = ["corporation", "district", "dwelling_type"]
SPREADING_COLUMNS = ["dimension", "main_group", "tolerance"]
CAP_COLUMNS = ["district", "main_group", "period", "max_dwellings"]
BATCH_COLUMNS = ["group", "dwellings"]
SETTINGS_FIELDS = ("name", "target_months", "quota_weight", "housing_reward", "stability_weight", "objective")
OBJECTIVES = ("weighted", "fair")
TABLES = ("settings", "names", "groups", "bounds", "supply", "spreading", "district_caps", "min_batch")


def inflow_column(period: str) -> str:
    """Column of the groups table holding a group's inflow in `period`."""
    return f"inflow {period}"


def uptake_column(period: str) -> str:
    """Column of the groups table holding a self-searching group's forecast uptake in `period`."""
    return f"uptake {period}"


@dataclass
class ScenarioTables:
    """A scenario as the editor shows it. Ids are values (selectboxes show labels)."""

    settings: dict[str, Any]
    """name, target_months, quota_weight, housing_reward, stability_weight, objective."""
    names: dict[str, pd.DataFrame]
    """One table per kind in ENTITY_KINDS: index id, column label."""
    groups: pd.DataFrame
    """Index: group id. Columns GROUP_FIELDS, one inflow column per period, then one forecast
    uptake column per period (blank unless the group is self-searching)."""
    bounds: pd.DataFrame
    """BOUND_COLUMNS: per-period minimum and maximum, and the cumulative minimum by a period."""
    supply: pd.DataFrame
    """The supply pivot: SUPPLY_KEYS, then one column of dwellings per period."""
    spreading: pd.DataFrame
    district_caps: pd.DataFrame
    min_batch: pd.DataFrame


@dataclass(frozen=True)
class CellProblem:
    """A validation problem placed in the editor: which table, which row, which column."""

    table: str
    """One of TABLES, or 'scenario' when the problem concerns nothing editable."""
    row: str | int | None
    """Group id in the groups table; 0-based row position in the other tables."""
    column: str | None
    message: str
    value: Any = None
    field: str = ""
    """The scenario path the problem came from (as ScenarioError reports it)."""


@dataclass
class EditResult:
    scenario: Scenario | None
    problems: list[CellProblem] = field(default_factory=list)

    def problems_in(self, table: str) -> list[CellProblem]:
        return [p for p in self.problems if p.table == table]


# ------------------------------------------------------------------- scenario -> tables


def scenario_tables(scenario: Scenario) -> ScenarioTables:
    """The editable tables of a scenario, rows and columns in scenario order."""
    s = scenario
    periods = list(s.periods)
    names = {kind: pd.DataFrame({"label": [e.label or "" for e in getattr(s, kind)]},
                                index=pd.Index([e.id for e in getattr(s, kind)], name="id"))
             for kind in ENTITY_KINDS}

    group_rows = []
    for g in s.groups:
        row = {"label": g.label or "", "main_group": g.main_group, "eligible_types": list(g.eligible_types),
               "weight": float(g.weight), "self_searching": bool(g.self_searching)}
        for key in GROUP_INT_FIELDS:
            row[key] = getattr(g, key)
        for k, p in enumerate(periods):
            row[inflow_column(p)] = g.inflow[k]
            row[uptake_column(p)] = g.forecast_uptake[k] if g.forecast_uptake is not None else None
        group_rows.append(row)
    groups = pd.DataFrame(group_rows, columns=[*GROUP_FIELDS, *map(inflow_column, periods),
                                               *map(uptake_column, periods)],
                          index=pd.Index([g.id for g in s.groups], name="id"))
    groups = groups.astype({key: "Int64" for key in GROUP_INT_FIELDS}
                           | {inflow_column(p): "Int64" for p in periods}
                           | {uptake_column(p): "Int64" for p in periods}
                           | {"weight": "float64", "self_searching": "bool"})
    groups["label"] = groups["label"].astype(object)

    bound_rows = []
    for g in s.groups:
        for kind in ("min_housed_per_period", "max_housed_per_period"):
            for p, value in zip(periods, getattr(g, kind) or []):
                if value is not None:
                    bound_rows.append({"group": g.id, "bound": kind, "period": p, "dwellings": value})
        for entry in g.min_cumulative or []:
            bound_rows.append({"group": g.id, "bound": "min_cumulative", "period": entry.period,
                               "dwellings": entry.dwellings})
    bounds = _frame(bound_rows, BOUND_COLUMNS, {"dwellings": "Int64"})

    supply = supply_pivot(scenario)
    # an empty main_group or period cell means no restriction: all main groups, every period
    spreading = _frame([{"dimension": r.dimension, "main_group": r.main_group, "tolerance": r.tolerance}
                        for r in s.rules.spreading], SPREADING_COLUMNS, {"tolerance": "float64"})
    caps = _frame([{"district": r.district, "main_group": r.main_group, "period": r.period,
                    "max_dwellings": r.max_dwellings} for r in s.rules.district_caps],
                  CAP_COLUMNS, {"max_dwellings": "Int64"})
    batches = _frame([{"group": r.group, "dwellings": r.dwellings} for r in s.rules.min_batch],
                     BATCH_COLUMNS, {"dwellings": "Int64"})
    settings = {"name": s.name, "target_months": s.target_months,
                "quota_weight": float(s.rules.quota_weight), "housing_reward": float(s.rules.housing_reward),
                "stability_weight": float(s.rules.stability_weight), "objective": s.rules.objective}
    return ScenarioTables(settings=settings, names=names, groups=groups, bounds=bounds, supply=supply,
                          spreading=spreading, district_caps=caps, min_batch=batches)


def supply_pivot(scenario: Scenario) -> pd.DataFrame:
    """Supply as corporation x district x type rows and one column per period (cells that
    name the same row add up); rows in scenario order, zero rows left out."""
    s = scenario
    periods = list(s.periods)
    long = pd.DataFrame([r.model_dump() for r in s.supply],
                        columns=[*SUPPLY_KEYS, "period", "dwellings"])
    if long.empty:
        return _frame([], [*SUPPLY_KEYS, *periods], {p: "Int64" for p in periods})
    wide = long.pivot_table(index=SUPPLY_KEYS, columns="period", values="dwellings",
                            aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=periods, fill_value=0)
    order = {key: {e.id: i for i, e in enumerate(getattr(s, kind))}
             for key, kind in zip(SUPPLY_KEYS, ("corporations", "districts", "dwelling_types"))}
    wide = wide.reset_index()
    wide = wide.sort_values(SUPPLY_KEYS, key=lambda col: col.map(order[col.name]), kind="stable")
    wide = wide[wide[periods].sum(axis=1) > 0].reset_index(drop=True)
    wide.columns.name = None
    return wide.astype({p: "Int64" for p in periods})


def _frame(rows: list[dict], columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for column in columns:
        if column not in dtypes:
            frame[column] = frame[column].astype(object)
    return frame.astype(dtypes)


# ------------------------------------------------------------------- tables -> scenario


@dataclass(frozen=True)
class _Origin:
    table: str
    row: str | int | None
    column: str | None = None
    """The column the whole raw entry sits in (supply: its period column)."""
    fields: dict[str, str] = field(default_factory=dict)
    """Raw field name -> table column, where they differ."""


class _Raw:
    """Builds the raw scenario mapping and remembers where each entry came from."""

    def __init__(self) -> None:
        self.origins: dict[str, _Origin] = {}

    def mark(self, path: str, origin: _Origin) -> None:
        self.origins[path] = origin


def scenario_from_tables(base: Scenario, tables: ScenarioTables) -> EditResult:
    """Apply edited tables to `base` (which supplies what the editor does not show: periods,
    the id lists, realised allocations, notes) and validate the result with `parse_scenario`.
    Problems come back placed in the tables; nothing raises."""
    raw, origins, problems = scenario_dict(base, tables)
    try:
        scenario = parse_scenario(raw, source="editor")
    except ScenarioError as exc:
        problems += [place_problem(p, origins, base) for p in exc.problems]
        return EditResult(scenario=None, problems=_unique(problems))
    if problems:
        return EditResult(scenario=None, problems=problems)
    return EditResult(scenario=scenario, problems=[])


def scenario_dict(base: Scenario, tables: ScenarioTables) -> tuple[dict, dict[str, _Origin], list[CellProblem]]:
    """The raw scenario mapping of the edited tables, where each entry came from, and the
    problems only the editor can have (a per-period bound given twice for the same period)."""
    periods = list(base.periods)
    raw = scenario_to_dict(base)
    out = _Raw()
    problems: list[CellProblem] = []

    settings = tables.settings
    raw["name"] = _text(settings.get("name")) or ""
    raw["target_months"] = _number(settings.get("target_months"))
    rules = dict(raw.get("rules") or {})
    rules["quota_weight"] = _number(settings.get("quota_weight"))
    rules["housing_reward"] = _number(settings.get("housing_reward"))
    for key in ("stability_weight", "objective"):  # older callers may leave them out: keep the scenario's
        if key in settings:
            rules[key] = _number(settings[key]) if key == "stability_weight" else _text(settings[key])
    for key in SETTINGS_FIELDS:
        out.mark(key if key in ("name", "target_months") else f"rules.{key}", _Origin("settings", None, key))

    for kind in ENTITY_KINDS:
        labels = tables.names.get(kind)
        if labels is None:
            continue
        entities = []
        for entity in raw.get(kind, []):
            entity = dict(entity) if isinstance(entity, dict) else {"id": entity}
            label = _text(labels.label.get(entity["id"])) if entity["id"] in labels.index else entity.get("label")
            entity.pop("label", None)
            if label:
                entity["label"] = label
            entities.append(entity)
        raw[kind] = entities

    raw["groups"] = _groups(base, tables, out)
    problems += _bounds(base, tables.bounds, raw["groups"], out)
    raw["supply"] = _supply(periods, tables.supply, out)
    rules["spreading"] = _rows(tables.spreading, SPREADING_COLUMNS, "rules.spreading", "spreading", out)
    rules["district_caps"] = _rows(tables.district_caps, CAP_COLUMNS, "rules.district_caps", "district_caps", out)
    rules["min_batch"] = _rows(tables.min_batch, BATCH_COLUMNS, "rules.min_batch", "min_batch", out)
    raw["rules"] = rules
    # problems about a whole table (realised rows now exceeding an edited supply cell, two
    # min_batch rows for one group) are shown under that table
    for path, table in (("groups", "groups"), ("supply", "supply"), ("realised", "supply"),
                        ("rules.spreading", "spreading"), ("rules.district_caps", "district_caps"),
                        ("rules.min_batch", "min_batch")):
        out.mark(path, _Origin(table, None))
    return raw, out.origins, problems


def _groups(base: Scenario, tables: ScenarioTables, out: _Raw) -> list[dict]:
    periods = list(base.periods)
    frame = tables.groups
    groups = []
    for i, g in enumerate(base.groups):
        group = g.model_dump(mode="json", exclude_none=True)
        if g.id in frame.index:
            row = frame.loc[g.id]
            group["label"] = _text(row.get("label"))
            group["main_group"] = _text(row.get("main_group"))
            group["eligible_types"] = _id_list(row.get("eligible_types"))
            group["weight"] = _number(row.get("weight"))
            for key in GROUP_INT_FIELDS:
                group[key] = _number(row.get(key))
            group["inflow"] = [_number(row.get(inflow_column(p))) for p in periods]
            if "self_searching" in row.index:
                group["self_searching"] = _flag(row.get("self_searching"))
            if any(uptake_column(p) in row.index for p in periods):
                uptake = [_number(row.get(uptake_column(p))) for p in periods]
                if all(v is None for v in uptake):
                    group.pop("forecast_uptake", None)  # blank: no forecast
                else:
                    group["forecast_uptake"] = uptake
            for key in ("target_months", "quota", "min_housed", "max_housed", "label"):
                if group.get(key) is None:
                    group.pop(key, None)  # blank: no override, no quota, no bound
            for key in ("waiting_start", "overdue_start"):
                if group.get(key) is None:
                    group[key] = 0  # blank: nobody
        fields = {f"inflow[{k}]": inflow_column(p) for k, p in enumerate(periods)}
        fields["inflow"] = inflow_column(periods[0])
        fields |= {f"forecast_uptake[{k}]": uptake_column(p) for k, p in enumerate(periods)}
        fields["forecast_uptake"] = uptake_column(periods[0])
        out.mark(f"groups[{i}]", _Origin("groups", g.id, None, fields))
        groups.append(group)
    return groups


def _bounds(base: Scenario, frame: pd.DataFrame, groups: list[dict], out: _Raw) -> list[CellProblem]:
    """Rewrite each group's per-period bounds and cumulative minima from the bounds table."""
    periods = list(base.periods)
    index = {g["id"]: i for i, g in enumerate(groups)}
    for g in groups:
        for kind in BOUND_KINDS:
            g.pop(kind, None)
    problems = []
    seen: dict[tuple, int] = {}
    for pos, row in enumerate(_records(frame)):
        if all(_missing(row.get(c)) for c in BOUND_COLUMNS):
            continue  # an empty row the user added and left
        group, kind, period = _text(row.get("group")), _text(row.get("bound")), _text(row.get("period"))
        dwellings = _number(row.get("dwellings"))
        for column, value in (("group", group), ("bound", kind), ("period", period), ("dwellings", dwellings)):
            if value is None:
                problems.append(CellProblem("bounds", pos, column, "is required", None, f"bounds[{pos}]"))
        if group is None or kind is None or period is None or dwellings is None:
            continue
        if group not in index:
            problems.append(CellProblem("bounds", pos, "group", "unknown group id", group, f"bounds[{pos}]"))
            continue
        if kind not in BOUND_KINDS:
            problems.append(CellProblem("bounds", pos, "bound", "unknown kind of bound", kind, f"bounds[{pos}]"))
            continue
        target = groups[index[group]]
        where = f"groups[{index[group]}] ({group})"
        if kind == "min_cumulative":
            entries = target.setdefault("min_cumulative", [])
            out.mark(f"{where}.min_cumulative[{len(entries)}]", _Origin("bounds", pos, "dwellings"))
            entries.append({"period": period, "dwellings": dwellings})
            continue
        if period not in periods:
            problems.append(CellProblem("bounds", pos, "period", "unknown period id", period, f"bounds[{pos}]"))
            continue
        k = periods.index(period)
        if (group, kind, period) in seen:
            problems.append(CellProblem(
                "bounds", pos, "period",
                f"this bound is already given for the period (row {seen[group, kind, period] + 1})",
                period, f"bounds[{pos}]"))
            continue
        seen[group, kind, period] = pos
        values = target.setdefault(kind, [None] * len(periods))
        values[k] = dwellings
        out.mark(f"{where}.{kind}[{k}]", _Origin("bounds", pos, "dwellings"))
    return problems


def _supply(periods: list[str], frame: pd.DataFrame, out: _Raw) -> list[dict]:
    rows = []
    for pos, record in enumerate(_records(frame)):
        keys = {k: _text(record.get(k)) for k in SUPPLY_KEYS}
        for p in periods:
            dwellings = _number(record.get(p))
            if dwellings is None or dwellings == 0:
                continue
            out.mark(f"supply[{len(rows)}]", _Origin("supply", pos, p, {"dwellings": p}))
            rows.append({**keys, "period": p, "dwellings": dwellings})
    return rows


def _rows(frame: pd.DataFrame, columns: list[str], path: str, table: str, out: _Raw) -> list[dict]:
    rows = []
    for pos, record in enumerate(_records(frame)):
        row = {}
        for column in columns:
            value = record.get(column)
            value = _number(value) if column in ("tolerance", "max_dwellings", "dwellings") else _text(value)
            row[column] = value
        if all(v is None for v in row.values()):
            continue  # an empty row the user added and left
        out.mark(f"{path}[{len(rows)}]", _Origin(table, pos))
        rows.append(row)
    return rows


def _records(frame: pd.DataFrame | None) -> list[dict]:
    if frame is None or frame.empty:
        return []
    return frame.reset_index(drop=True).astype(object).to_dict("records")


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _text(value: Any) -> str | None:
    if _missing(value):
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any) -> Any:
    """Editor cell -> int where whole, float otherwise, None when blank; text is passed on
    unchanged so that validation can name it."""
    if _missing(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _flag(value: Any) -> bool:
    """A checkbox cell: blank is unticked."""
    return False if _missing(value) else bool(value)


def _id_list(value: Any) -> list[str]:
    if value is None or (not isinstance(value, (list, tuple)) and _missing(value)):
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value if not _missing(v) and str(v).strip()]


# ------------------------------------------------------------------ problems -> cells

def place_problem(problem: Problem, origins: dict[str, _Origin], base: Scenario) -> CellProblem:
    """Map a ScenarioError problem (field path of the raw mapping) to a table cell."""
    path = problem.field
    best = None
    for key, origin in origins.items():
        if _is_prefix(key, path) and (best is None or len(key) > len(best[0])):
            best = (key, origin)
    if best is None:
        return CellProblem("scenario", None, None, problem.message, problem.value, path)
    key, origin = best
    rest = path[len(key):]
    rest = re.sub(r"^ \([^)]*\)", "", rest).lstrip(".")
    column = origin.column
    if rest and origin.row is not None:
        name = rest.split(".")[0]
        if name in origin.fields:
            column = origin.fields[name]
        else:
            bare = re.sub(r"\[.*$", "", name)
            column = origin.fields.get(bare, bare)
    message = problem.message
    if problem.value is None and message.startswith("Input should be"):
        message = "is required"  # an empty cell: pydantic only says which type it wanted
    return CellProblem(origin.table, origin.row, column, message, problem.value, path)


def _is_prefix(key: str, path: str) -> bool:
    if not path.startswith(key):
        return False
    rest = path[len(key):]
    return rest == "" or rest[0] in ".[ "


def _unique(problems: list[CellProblem]) -> list[CellProblem]:
    seen, out = set(), []
    for p in problems:
        marker = (p.table, p.row, p.column, p.message)
        if marker not in seen:
            seen.add(marker)
            out.append(p)
    return out


def problems_frame(problems: list[CellProblem]) -> pd.DataFrame:
    """Problems as rows (table, row, column, message, value, field) for display."""
    return pd.DataFrame([{"table": p.table, "row": p.row, "column": p.column, "message": p.message,
                          "value": None if p.value is None else str(p.value), "field": p.field}
                         for p in problems],
                        columns=["table", "row", "column", "message", "value", "field"])


def upload_problems(error: ScenarioError) -> list[CellProblem]:
    """Problems of an uploaded file: they concern the file, not a table of the editor."""
    return [CellProblem("scenario", None, None, p.message, p.value, p.field) for p in error.problems]


def load_uploaded(name: str, content: bytes) -> Scenario:
    """A scenario from an uploaded file (YAML, JSON or xlsx, by its name). Raises
    ScenarioError naming the upload, with every problem of the file."""
    suffix = Path(name).suffix.lower()
    if suffix not in SCENARIO_SUFFIXES:
        raise ScenarioError(name, [Problem("(file)", "unknown file type; use .yaml, .yml, .json or .xlsx",
                                           name)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(content)
        try:
            return load_scenario(path)
        except ScenarioError as exc:
            raise ScenarioError(name, exc.problems) from None


# ------------------------------------------------------------------ what the page shows


def scenario_facts(scenario: Scenario) -> dict[str, int]:
    """Counts for the scenario's header: groups, periods, dwellings offered, sum of the
    quotas, and demand (households waiting at the start plus the horizon's inflow)."""
    return {
        "groups": len(scenario.groups),
        "periods": len(scenario.periods),
        "supply": sum(r.dwellings for r in scenario.supply),
        "quota": sum(g.quota or 0 for g in scenario.groups),
        "demand": sum(g.waiting_start + sum(g.inflow) for g in scenario.groups),
    }


def supply_totals(scenario: Scenario) -> pd.DataFrame:
    """Dwellings offered per corporation (rows) and district (columns), labelled, with totals."""
    from .export import pivot  # noqa: PLC0415 - export imports the solver pipeline

    rows = pd.DataFrame([r.model_dump() for r in scenario.supply],
                        columns=[*SUPPLY_KEYS, "period", "dwellings"])
    labels = {"corporation": {c.id: c.name for c in scenario.corporations},
              "district": {d.id: d.name for d in scenario.districts}}
    return pivot(rows, "corporation", "district", labels, [c.id for c in scenario.corporations],
                 [d.id for d in scenario.districts])


def file_stem(scenario: Scenario) -> str:
    """A file name for the scenario: its name in lower case, words joined by '-'."""
    stem = re.sub(r"[^a-z0-9]+", "-", scenario.name.lower()).strip("-")
    return stem or "scenario"
