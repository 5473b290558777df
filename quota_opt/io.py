"""Scenario files in and out: YAML, JSON and an Excel workbook with one sheet per table.

Every reader ends in `schema.parse_scenario`, so all formats are validated the same way;
every writer goes through `atomic_write`, so a crash never leaves half a file behind.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import yaml

from .errors import Problem, ScenarioError
from .schema import Scenario, parse_scenario

try:  # the C parser is about 5x faster on large scenarios
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _YamlLoader(_BaseLoader):
    """Safe YAML, but a key written twice in one mapping is an error, not 'the last one wins'."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} in one mapping", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


# ----------------------------------------------------------------------------- reading


def read_raw(path: str | Path) -> Any:
    """The raw content of a scenario file, or ScenarioError naming the file."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise ScenarioError(source, [Problem("(file)", "no such file", source)])
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            return _raw_from_workbook(path)
        text = path.read_text(encoding="utf-8")
        if suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=_YamlLoader)
    except json.JSONDecodeError as exc:
        raise ScenarioError(source, [Problem(
            f"line {exc.lineno}, column {exc.colno}", f"malformed JSON: {exc.msg}",
            exc.doc[max(0, exc.pos - 20): exc.pos + 20])]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(source, [Problem(where, f"malformed YAML: {problem}",
                                             _line(text, mark))]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError(source, [Problem("(file)", "not a text file (expected YAML or JSON "
                                             "in UTF-8, or an .xlsx workbook)",
                                             exc.object[:20])]) from None
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # a broken or foreign workbook
        raise ScenarioError(source, [Problem("(file)", f"cannot read the workbook: {exc}",
                                             path.name)]) from None


def _line(text: str, mark) -> str | None:
    if mark is None:
        return None
    lines = text.splitlines()
    return lines[mark.line].strip() if mark.line < len(lines) else None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML, JSON or xlsx). Raises ScenarioError."""
    return parse_scenario(read_raw(path), source=str(path))


def scenario_to_dict(scenario: Scenario) -> dict:
    """The scenario as plain data, without fields left at their defaults being null."""
    return scenario.model_dump(mode="json", exclude_none=True)


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as YAML, JSON or xlsx (by suffix), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        with atomic_write(path, binary=True) as handle:
            write_scenario_workbook(scenario, handle)
    elif suffix == ".json":
        with atomic_write(path) as handle:
            json.dump(scenario_to_dict(scenario), handle, indent=2, ensure_ascii=False)
    elif suffix in (".yaml", ".yml"):
        with atomic_write(path) as handle:
            yaml.safe_dump(scenario_to_dict(scenario), handle, sort_keys=False, allow_unicode=True)
    else:
        raise ValueError(f"{path}: unknown scenario format {suffix!r}; use .yaml, .json or .xlsx")
    return path


def scenario_yaml(scenario: Scenario) -> str:
    return yaml.safe_dump(scenario_to_dict(scenario), sort_keys=False, allow_unicode=True)


# ---------------------------------------------------------------------- atomic writes


@contextmanager
def atomic_write(path: str | Path, binary: bool = False, overwrite: bool = True) -> Iterator[Any]:
    """Open a temporary file beside `path`; on success it replaces `path` in one step. With
    overwrite=False it only ever creates `path` (FileExistsError if it appeared meanwhile)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(tmp, _ordinary_mode(path))  # mkstemp makes 0600; the result should not be
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # atomic, and refuses an existing name
            os.unlink(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _ordinary_mode(path: Path) -> int:
    """The mode of the file being replaced, else what a plain open() would give."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# ------------------------------------------------------------------ Excel: one sheet a table

_ENTITY_SHEETS = ("dwelling_types", "main_groups", "corporations", "districts")
_GROUP_COLUMNS = ["id", "label", "main_group", "weight", "target_months",
                  "waiting_start", "overdue_start", "quota", "min_housed", "max_housed", "notes",
                  "self_searching"]
_SCENARIO_FIELDS = ["schema_version", "name", "municipality", "year", "description",
                    "months_per_period", "target_months"]
ALLOCATION_COLUMNS = ["group", "dwelling_type", "corporation", "district", "period", "dwellings"]


def write_scenario_workbook(scenario: Scenario, handle) -> None:
    """Scenario -> workbook with sheets scenario, notes, periods, the id lists, groups,
    eligible_types (group, dwelling_type), group_periods (inflow and per-period bounds), min_cumulative, supply, rules, spreading,
    district_caps, min_batch and realised. `load_scenario` reads it back unchanged."""
    s = scenario
    fields = [(k, getattr(s, k)) for k in _SCENARIO_FIELDS]
    if s.realised is not None:
        fields.append(("fixed_through", s.realised.fixed_through))
        fields.append(("commit_lag", s.realised.commit_lag))
    sheets: dict[str, pd.DataFrame] = {
        "scenario": pd.DataFrame(fields, columns=["field", "value"]),
        "notes": pd.DataFrame({"note": s.notes}),
        "periods": pd.DataFrame({"id": s.periods}),
    }
    for key in _ENTITY_SHEETS:
        sheets[key] = pd.DataFrame([e.model_dump() for e in getattr(s, key)], columns=["id", "label"])
    sheets["groups"] = pd.DataFrame([g.model_dump(include=set(_GROUP_COLUMNS)) for g in s.groups],
                                    columns=_GROUP_COLUMNS)
    sheets["eligible_types"] = pd.DataFrame(
        [{"group": g.id, "dwelling_type": t} for g in s.groups for t in g.eligible_types],
        columns=["group", "dwelling_type"])
    per_period = []
    for g in s.groups:
        for k, p in enumerate(s.periods):
            per_period.append({
                "group": g.id, "period": p, "inflow": g.inflow[k],
                "min_housed": (g.min_housed_per_period or [None] * len(s.periods))[k],
                "max_housed": (g.max_housed_per_period or [None] * len(s.periods))[k],
                "forecast_uptake": (g.forecast_uptake or [None] * len(s.periods))[k]})
    sheets["group_periods"] = pd.DataFrame(
        per_period, columns=["group", "period", "inflow", "min_housed", "max_housed", "forecast_uptake"])
    sheets["min_cumulative"] = pd.DataFrame(
        [{"group": g.id, **m.model_dump()} for g in s.groups for m in (g.min_cumulative or [])],
        columns=["group", "period", "dwellings"])
    sheets["supply"] = pd.DataFrame([r.model_dump() for r in s.supply],
                                    columns=["corporation", "district", "dwelling_type", "period", "dwellings"])
    sheets["rules"] = pd.DataFrame([("quota_weight", s.rules.quota_weight),
                                    ("housing_reward", s.rules.housing_reward),
                                    ("stability_weight", s.rules.stability_weight),
                                    ("objective", s.rules.objective)], columns=["field", "value"])
    sheets["spreading"] = pd.DataFrame([r.model_dump() for r in s.rules.spreading],
                                       columns=["dimension", "main_group", "tolerance"])
    sheets["district_caps"] = pd.DataFrame([r.model_dump() for r in s.rules.district_caps],
                                           columns=["district", "main_group", "period", "max_dwellings"])
    sheets["min_batch"] = pd.DataFrame([r.model_dump() for r in s.rules.min_batch],
                                       columns=["group", "dwellings"])
    sheets["realised"] = pd.DataFrame(
        [r.model_dump() for r in (s.realised.allocations if s.realised else [])],
        columns=ALLOCATION_COLUMNS)
    if s.previous_plan is not None:
        sheets["previous_plan"] = pd.DataFrame([r.model_dump() for r in s.previous_plan],
                                               columns=ALLOCATION_COLUMNS)
    with pd.ExcelWriter(handle, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
            keep_text(writer.sheets[name])


def keep_text(sheet) -> None:
    """Text that starts with '=' is text, not a formula (a label like '=Omslag')."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _records(frame: pd.DataFrame) -> list[dict]:
    out = []
    for row in frame.to_dict("records"):
        clean = {k: _cell(v) for k, v in row.items() if not str(k).startswith("Unnamed")}
        if any(v is not None for v in clean.values()):
            out.append(clean)
    return out


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if hasattr(value, "item"):  # numpy scalar
        return _cell(value.item())
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _raw_from_workbook(path: Path) -> dict:
    # ids such as NA or None are ids, not missing values: only empty cells are missing
    sheets = pd.read_excel(path, sheet_name=None, dtype=object, keep_default_na=False, na_values=[])
    if "scenario" not in sheets:
        raise ValueError(f"no sheet 'scenario' (sheets: {', '.join(sheets)}); "
                         "expected a workbook saved by quota-opt")
    raw: dict[str, Any] = {}
    fixed_through, commit_lag = None, None
    for row in _records(sheets["scenario"]):
        field, value = row.get("field"), row.get("value")
        if field == "fixed_through":
            fixed_through = value
        elif field == "commit_lag":
            commit_lag = value
        elif field is not None and value is not None:
            raw[str(field)] = value
    if "notes" in sheets:
        raw["notes"] = [r["note"] for r in _records(sheets["notes"]) if r.get("note") is not None]
    if "periods" in sheets:
        raw["periods"] = [r["id"] for r in _records(sheets["periods"])]
    for key in _ENTITY_SHEETS:
        if key in sheets:
            raw[key] = [{k: v for k, v in r.items() if v is not None} for r in _records(sheets[key])]
    per_period: dict[str, list[dict]] = {}
    for r in _records(sheets.get("group_periods", pd.DataFrame())):
        per_period.setdefault(str(r.get("group")), []).append(r)
    cumulative: dict[str, list[dict]] = {}
    for r in _records(sheets.get("min_cumulative", pd.DataFrame())):
        cumulative.setdefault(str(r.get("group")), []).append(
            {"period": r.get("period"), "dwellings": r.get("dwellings")})
    types_of: dict[str, list] = {}
    for r in _records(sheets.get("eligible_types", pd.DataFrame())):
        types_of.setdefault(str(r.get("group")), []).append(r.get("dwelling_type"))
    groups = []
    for r in _records(sheets.get("groups", pd.DataFrame())):
        group = {k: v for k, v in r.items() if v is not None}
        group["eligible_types"] = types_of.get(str(r.get("id")), [])
        rows = per_period.get(str(r.get("id")), [])
        group["inflow"] = [x.get("inflow") for x in rows]
        for key, target in (("min_housed", "min_housed_per_period"),
                            ("max_housed", "max_housed_per_period"), ("forecast_uptake", "forecast_uptake")):
            values = [x.get(key) for x in rows]
            if any(v is not None for v in values):
                group[target] = values
        if str(r.get("id")) in cumulative:
            group["min_cumulative"] = cumulative[str(r.get("id"))]
        groups.append(group)
    raw["groups"] = groups
    raw["supply"] = _records(sheets.get("supply", pd.DataFrame()))
    rules: dict[str, Any] = {r["field"]: r.get("value") for r in _records(sheets.get("rules", pd.DataFrame()))
                             if r.get("field") is not None}
    rules = {k: v for k, v in rules.items() if v is not None}
    for key in ("spreading", "district_caps", "min_batch"):
        rules[key] = _records(sheets.get(key, pd.DataFrame()))
    raw["rules"] = rules
    realised_rows = _records(sheets.get("realised", pd.DataFrame()))
    if fixed_through is not None or realised_rows:
        raw["realised"] = {"fixed_through": fixed_through, "allocations": realised_rows}
        if commit_lag is not None:
            raw["realised"]["commit_lag"] = commit_lag
    if "previous_plan" in sheets:
        raw["previous_plan"] = _records(sheets["previous_plan"])
    return raw
