"""The scenario file of spec §2 as pydantic models, plus the cross-field checks of §2.

`parse_scenario` runs the type checks (pydantic) and the cross-reference checks side by side
on the same raw mapping, so that every problem in a file is reported at once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import Problem, ScenarioError

Id = Annotated[str, Field(min_length=1, pattern=r"^[^\x00-\x1f\x7f]+$")]
"""Free text, but at least one character and no control characters."""
NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
ID_LISTS = ("periods", "dwelling_types", "main_groups", "corporations", "districts", "groups")


class StrictModel(BaseModel):
    """Project base: a typo in a field name is an error, ids written as numbers become text."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Entity(StrictModel):
    """A labelled id: a dwelling type, main group, corporation or district.

    In the file either `{id: c1, label: Ymere}` or just `c1`."""

    id: Id
    label: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_bare_id(cls, value: Any) -> Any:
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return {"id": str(value)}
        return value

    @property
    def name(self) -> str:
        """What a person reads: the label, else the id."""
        return self.label or self.id


class CumulativeMinimum(StrictModel):
    """`min_cumulative` entry: at least `dwellings` housed by the end of `period`."""

    period: Id
    dwellings: NonNegativeInt


class Group(StrictModel):
    """A target group with its own queue (spec §2 `groups`)."""

    id: Id
    label: str | None = None
    main_group: Id
    eligible_types: list[Id] = Field(default_factory=list)
    weight: NonNegativeFloat = 1.0
    """Cost of one household-month beyond the target."""
    target_months: int | None = None
    """Per-group override of the scenario's target_months."""
    waiting_start: NonNegativeInt = 0
    overdue_start: NonNegativeInt = 0
    inflow: list[NonNegativeInt]
    quota: NonNegativeInt | None = None
    min_housed: NonNegativeInt | None = None
    max_housed: NonNegativeInt | None = None
    min_housed_per_period: list[NonNegativeInt | None] | None = None
    max_housed_per_period: list[NonNegativeInt | None] | None = None
    min_cumulative: list[CumulativeMinimum] | None = None
    notes: str | None = None
    """Extension: free text, e.g. where the numbers come from."""
    self_searching: bool = False
    """Extension: the group finds dwellings itself (like urgent cases on WoningNet); its uptake
    per period is `forecast_uptake`, fixed within the commitment lag and an upper bound after
    it (the steering group can only lower it, by exposing fewer dwellings to the group)."""
    forecast_uptake: list[NonNegativeInt] | None = None
    """Extension: forecast dwellings taken per period by a self-searching group."""

    @field_validator("min_housed_per_period", "max_housed_per_period")
    @classmethod
    def _all_null_is_no_bound(cls, value):
        # [null, null, ...] says nothing; keep one spelling so saved files compare equal.
        if value is not None and all(v is None for v in value):
            return None
        return value

    @property
    def name(self) -> str:
        return self.label or self.id


class SupplyRow(StrictModel):
    """Dwellings offered to the programme in one cell (corporation, district, type, period).
    Rows naming the same cell add up."""

    corporation: Id
    district: Id
    dwelling_type: Id
    period: Id
    dwellings: NonNegativeInt


class SpreadingRule(StrictModel):
    """Spread a main group's placements over corporations or districts in proportion to supply.
    Extension: `main_group: null` spreads all groups' placements together."""

    dimension: Literal["corporation", "district"]
    main_group: Id | None = None
    tolerance: Annotated[float, Field(ge=0, le=1)]


class DistrictCap(StrictModel):
    """Hard cap on placements in a district (of one main group and in one period, if given)."""

    district: Id
    main_group: Id | None = None
    period: Id | None = None
    max_dwellings: NonNegativeInt


class MinBatch(StrictModel):
    """A group that gets anything from a corporation gets at least `dwellings` from it."""

    group: Id
    dwellings: NonNegativeInt


class Rules(StrictModel):
    quota_weight: NonNegativeFloat = 0.0
    housing_reward: NonNegativeFloat = 0.01
    spreading: list[SpreadingRule] = Field(default_factory=list)
    district_caps: list[DistrictCap] = Field(default_factory=list)
    min_batch: list[MinBatch] = Field(default_factory=list)
    stability_weight: NonNegativeFloat = 0.1
    """Extension: cost per dwelling of changing a contingent (group, corporation, dwelling type,
    period) against `previous_plan`; applies only when a previous plan is given."""
    objective: Literal["weighted", "fair"] = "weighted"
    """Extension: `fair` first minimises the largest overdue share over groups, then the
    weighted objective within that."""

    @field_validator("spreading", "district_caps", "min_batch", mode="before")
    @classmethod
    def _null_is_empty(cls, value):
        return [] if value is None else value


class Allocation(StrictModel):
    """One realised (or committed) allocation: x[g,t,c,d,p] of spec §3."""

    group: Id
    dwelling_type: Id
    corporation: Id
    district: Id
    period: Id
    dwellings: NonNegativeInt


class Realised(StrictModel):
    """The mid-year case: periods up to and including `fixed_through` are facts."""

    fixed_through: Id
    allocations: list[Allocation] = Field(default_factory=list)
    commit_lag: NonNegativeInt = 0
    """Extension: the next `commit_lag` periods after fixed_through are fixed at
    `previous_plan` (offers already in the pipeline); self-searching groups take their forecast."""

    @field_validator("allocations", mode="before")
    @classmethod
    def _null_is_empty(cls, value):
        return [] if value is None else value


class Scenario(StrictModel):
    """One scenario file (spec §2)."""

    schema_version: Literal[1]
    name: str
    municipality: str | None = None
    year: int | None = None
    description: str | None = None
    """Extension: a paragraph on what the scenario is."""
    notes: list[str] = Field(default_factory=list)
    """Extension: sources and assumptions behind the numbers, one statement each."""
    periods: list[Id] = Field(min_length=1)
    months_per_period: Annotated[int, Field(ge=1)] = 3
    target_months: Annotated[int, Field(ge=1)] = 3
    dwelling_types: list[Entity]
    main_groups: list[Entity]
    corporations: list[Entity]
    districts: list[Entity]
    groups: list[Group]
    supply: list[SupplyRow] = Field(default_factory=list)
    rules: Rules = Field(default_factory=Rules)
    realised: Realised | None = None
    previous_plan: list[Allocation] | None = None
    """Extension: the plan adopted before this re-solve (allocation.csv rows): the commitment
    lag is fixed at it, plan stability is measured against it, and it seeds the solver."""

    @field_validator("rules", mode="before")
    @classmethod
    def _null_rules_are_defaults(cls, value):
        return {} if value is None else value

    @field_validator("supply", "notes", mode="before")
    @classmethod
    def _null_list_is_empty(cls, value):
        return [] if value is None else value

    def group(self, group_id: str) -> Group:
        return next(g for g in self.groups if g.id == group_id)


# --------------------------------------------------------------------------- parsing


def parse_scenario(raw: Any, source: str = "<scenario>") -> Scenario:
    """Validate a raw mapping (from YAML, JSON or Excel) and return the Scenario.

    Raises ScenarioError with every problem found: type and range problems from pydantic,
    and the cross-reference problems of spec §2 from `cross_field_problems`.
    """
    if raw is None:
        raise ScenarioError(source, [Problem("(top level)", "not a scenario: the file is empty", "")])
    if not isinstance(raw, dict):
        kind = {"str": "line of text", "list": "list"}.get(type(raw).__name__, type(raw).__name__)
        raise ScenarioError(source, [Problem(
            "(top level)",
            f"not a scenario: expected a mapping with schema_version, periods, groups and "
            f"supply, found a {kind}", _preview(raw))])
    if not {"schema_version", "periods", "groups"} & set(raw):
        raise ScenarioError(source, [Problem(
            "(top level)", "not a scenario: none of schema_version, periods, groups is present",
            sorted(map(str, raw))[:8])])
    problems: list[Problem] = []
    scenario = None
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, raw))
    problems.extend(cross_field_problems(raw))
    if problems:
        raise ScenarioError(source, _unique(problems))
    assert scenario is not None
    return scenario


def _preview(raw: Any) -> Any:
    text = str(raw)
    return text if len(text) < 80 else text[:77] + "..."


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        key = (p.field, p.message, repr(p.value))
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _pydantic_problems(exc: ValidationError, raw: dict) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # Unions (str | entity mapping) report a branch name; the path without it is clearer.
        loc = tuple(part for part in loc if part not in ("function-before[_accept_bare_id(), Entity]",))
        field = _path(loc, raw)
        if err["type"] == "missing":
            problems.append(Problem(field, "is required but missing", None))
        elif err["type"] == "string_pattern_mismatch":
            problems.append(Problem(field, "an id must be text without control characters "
                                    "(tabs, newlines)", err.get("input")))
        elif err["type"] == "extra_forbidden":
            problems.append(Problem(field, "unknown field (check the spelling)", err.get("input")))
        else:
            problems.append(Problem(field, err["msg"], err.get("input")))
    return problems


def _path(loc: tuple, raw: Any) -> str:
    """('groups', 2, 'weight') -> 'groups[2] (mobw_adults).weight'."""
    text, node = "", raw
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and _as_id(node.get("id")) is not None:
                text += f" ({node['id']})"
        else:
            text += f".{part}" if text else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return text or "(top level)"


# ------------------------------------------------------------ cross-field checks (§2)


def _as_id(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        return str(value)
    return None


def _list(raw: dict, key: str) -> list:
    value = raw.get(key)
    return value if isinstance(value, list) else []


def _entity_ids(raw: dict, key: str) -> list[tuple[int, str]]:
    out = []
    for i, item in enumerate(_list(raw, key)):
        ident = _as_id(item.get("id")) if isinstance(item, dict) else _as_id(item)
        if ident is not None:
            out.append((i, ident))
    return out


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def cross_field_problems(raw: dict) -> list[Problem]:
    """The checks of spec §2 that relate one field to another, on the raw mapping.

    Works on whatever parts of the file are well-formed, so that it can run even when
    pydantic has found type problems elsewhere in the same file."""
    problems: list[Problem] = []
    known: dict[str, set[str]] = {}
    for key in ID_LISTS:
        ids = _entity_ids(raw, key)
        known[key] = {i for _, i in ids}
        for ident, count in Counter(i for _, i in ids).items():
            if count > 1:
                problems.append(Problem(key, f"duplicate id appears {count} times", ident))

    periods = [i for _, i in _entity_ids(raw, "periods")]
    n_periods = len(_list(raw, "periods"))
    order = {p: k for k, p in enumerate(periods)}

    def check_ref(field: str, value: Any, kind: str, allow_null: bool = False) -> bool:
        if value is None and allow_null:
            return True
        ident = _as_id(value)
        if ident is None or ident not in known[kind]:
            if ident is None and not allow_null and value is None:
                return False  # pydantic reports the missing field
            problems.append(Problem(field, f"unknown {kind[:-1].replace('_', ' ')} id", value))
            return False
        return True

    months = _int(raw.get("months_per_period", 3))
    scenario_target = _int(raw.get("target_months", 3))
    if months is not None and months >= 1 and scenario_target is not None:
        if scenario_target < 1 or scenario_target % months:
            default = "" if "target_months" in raw else " (the default, as the file sets none)"
            problems.append(Problem(
                "target_months", f"must be a positive multiple of months_per_period ({months})"
                f"{default}", scenario_target))

    for i, group in enumerate(_list(raw, "groups")):
        if not isinstance(group, dict):
            continue
        where = f"groups[{i}]" + (f" ({group['id']})" if _as_id(group.get("id")) else "")
        check_ref(f"{where}.main_group", group.get("main_group"), "main_groups")
        types = group.get("eligible_types")
        if isinstance(types, list):
            for j, t in enumerate(types):
                check_ref(f"{where}.eligible_types[{j}]", t, "dwelling_types")
            for t, count in Counter(map(_as_id, types)).items():
                if t is not None and count > 1:
                    problems.append(Problem(f"{where}.eligible_types", "dwelling type listed twice", t))
        for key in ("inflow", "min_housed_per_period", "max_housed_per_period"):
            value = group.get(key)
            if isinstance(value, list) and len(value) != n_periods:
                problems.append(Problem(
                    f"{where}.{key}",
                    f"{len(value)} entries, expected {n_periods} (one per period: "
                    f"{', '.join(periods)})", value))
        waiting, overdue = _int(group.get("waiting_start", 0)), _int(group.get("overdue_start", 0))
        if waiting is not None and overdue is not None and overdue > waiting:
            problems.append(Problem(
                f"{where}.overdue_start", f"exceeds waiting_start ({waiting})", overdue))
        target = group.get("target_months")
        if target is not None and months is not None and months >= 1:
            t_int = _int(target)
            if t_int is None or t_int < 1 or t_int % months:
                problems.append(Problem(
                    f"{where}.target_months",
                    f"must be a positive multiple of months_per_period ({months})", target))
        cumulative = group.get("min_cumulative")
        if isinstance(cumulative, list):
            for j, entry in enumerate(cumulative):
                if isinstance(entry, dict):
                    check_ref(f"{where}.min_cumulative[{j}].period", entry.get("period"), "periods")

    for i, row in enumerate(_list(raw, "supply")):
        if not isinstance(row, dict):
            continue
        for key, kind in (("corporation", "corporations"), ("district", "districts"),
                          ("dwelling_type", "dwelling_types"), ("period", "periods")):
            check_ref(f"supply[{i}].{key}", row.get(key), kind)

    rules = raw.get("rules") if isinstance(raw.get("rules"), dict) else {}
    for i, rule in enumerate(_list(rules, "spreading")):
        if isinstance(rule, dict):
            check_ref(f"rules.spreading[{i}].main_group", rule.get("main_group"), "main_groups",
                      allow_null=True)
    for i, cap in enumerate(_list(rules, "district_caps")):
        if isinstance(cap, dict):
            check_ref(f"rules.district_caps[{i}].district", cap.get("district"), "districts")
            check_ref(f"rules.district_caps[{i}].main_group", cap.get("main_group"),
                      "main_groups", allow_null=True)
            check_ref(f"rules.district_caps[{i}].period", cap.get("period"), "periods",
                      allow_null=True)
    batch_groups = []
    for i, batch in enumerate(_list(rules, "min_batch")):
        if isinstance(batch, dict):
            if check_ref(f"rules.min_batch[{i}].group", batch.get("group"), "groups"):
                batch_groups.append(_as_id(batch.get("group")))
    for g, count in Counter(batch_groups).items():
        if count > 1:
            problems.append(Problem("rules.min_batch", "more than one min_batch for the group", g))

    problems.extend(_realised_problems(raw, known, order, check_ref))
    problems.extend(_mid_year_problems(raw, order, n_periods, periods, check_ref))
    return problems


def _mid_year_problems(raw, order, n_periods, periods, check_ref) -> list[Problem]:
    """The extensions of the mid-year re-solve: self-searching groups, the previous plan and
    the commitment lag."""
    problems: list[Problem] = []
    self_searching = set()
    for i, group in enumerate(_list(raw, "groups")):
        if not isinstance(group, dict):
            continue
        where = f"groups[{i}]" + (f" ({group['id']})" if _as_id(group.get("id")) else "")
        forecast = group.get("forecast_uptake")
        if group.get("self_searching") is True:
            self_searching.add(_as_id(group.get("id")))
            if forecast is None:
                problems.append(Problem(f"{where}.forecast_uptake",
                                        "a self-searching group needs a forecast uptake per period", None))
        if isinstance(forecast, list) and len(forecast) != n_periods:
            problems.append(Problem(
                f"{where}.forecast_uptake",
                f"{len(forecast)} entries, expected {n_periods} (one per period: {', '.join(periods)})",
                forecast))
    previous = raw.get("previous_plan")
    for i, row in enumerate(previous if isinstance(previous, list) else []):
        if isinstance(row, dict):
            where = f"previous_plan[{i}]"
            for key, kind in (("group", "groups"), ("dwelling_type", "dwelling_types"),
                              ("corporation", "corporations"), ("district", "districts"),
                              ("period", "periods")):
                check_ref(f"{where}.{key}", row.get(key), kind)
    realised = raw.get("realised") if isinstance(raw.get("realised"), dict) else {}
    lag = _int(realised.get("commit_lag", 0))
    fixed_through = _as_id(realised.get("fixed_through"))
    if lag and fixed_through in order:
        if order[fixed_through] + lag >= n_periods:
            problems.append(Problem("realised.commit_lag",
                                    f"reaches past the last period ({periods[-1]}): nothing left to plan", lag))
        if not isinstance(previous, list):
            problems.append(Problem("realised.commit_lag",
                                    "needs previous_plan: the lag periods are fixed at the previous plan", lag))
    if lag and fixed_through in order and isinstance(previous, list):
        committed = {periods[k] for k in range(order[fixed_through] + 1, min(order[fixed_through] + 1 + lag, n_periods))}
        supply: dict[tuple, int] = defaultdict(int)
        for row in _list(raw, "supply"):
            if isinstance(row, dict) and _int(row.get("dwellings")) is not None:
                supply[tuple(_as_id(row.get(k)) for k in ("corporation", "district", "dwelling_type", "period"))] += _int(row["dwellings"])
        used: dict[tuple, int] = defaultdict(int)
        for row in previous:
            if isinstance(row, dict) and _as_id(row.get("period")) in committed \
                    and _as_id(row.get("group")) not in self_searching and _int(row.get("dwellings")) is not None:
                used[tuple(_as_id(row.get(k)) for k in ("corporation", "district", "dwelling_type", "period"))] += _int(row["dwellings"])
        for cell, amount in used.items():
            if amount > supply.get(cell, 0):
                c, d, t, p = cell
                problems.append(Problem(
                    "previous_plan", f"the committed allocations (commit lag) exceed the supply of cell "
                    f"corporation={c}, district={d}, dwelling_type={t}, period={p} ({supply.get(cell, 0)} offered)",
                    amount))
    return problems


def _realised_problems(raw, known, order, check_ref) -> list[Problem]:
    realised = raw.get("realised")
    if not isinstance(realised, dict):
        return []
    problems: list[Problem] = []
    fixed_through = realised.get("fixed_through")
    fixed_ok = check_ref("realised.fixed_through", fixed_through, "periods")
    supply: dict[tuple, int] = defaultdict(int)
    for row in _list(raw, "supply"):
        if isinstance(row, dict) and _int(row.get("dwellings")) is not None:
            cell = tuple(_as_id(row.get(k)) for k in ("corporation", "district", "dwelling_type", "period"))
            supply[cell] += _int(row["dwellings"])
    used: dict[tuple, int] = defaultdict(int)
    rows_of_cell: dict[tuple, list[int]] = defaultdict(list)
    for i, row in enumerate(_list(realised, "allocations")):
        if not isinstance(row, dict):
            continue
        where = f"realised.allocations[{i}]"
        refs_ok = all([
            check_ref(f"{where}.group", row.get("group"), "groups"),
            check_ref(f"{where}.dwelling_type", row.get("dwelling_type"), "dwelling_types"),
            check_ref(f"{where}.corporation", row.get("corporation"), "corporations"),
            check_ref(f"{where}.district", row.get("district"), "districts"),
            check_ref(f"{where}.period", row.get("period"), "periods"),
        ])
        if fixed_ok and _as_id(row.get("period")) in order:
            if order[_as_id(row["period"])] > order[_as_id(fixed_through)]:
                problems.append(Problem(
                    f"{where}.period", f"is after fixed_through ({fixed_through}); only "
                    "periods up to and including fixed_through can be realised", row["period"]))
        amount = _int(row.get("dwellings"))
        if refs_ok and amount is not None:
            cell = tuple(_as_id(row.get(k)) for k in ("corporation", "district", "dwelling_type", "period"))
            used[cell] += amount
            rows_of_cell[cell].append(i)
    for cell, amount in used.items():
        if amount > supply.get(cell, 0):
            c, d, t, p = cell
            rows = ", ".join(str(i) for i in rows_of_cell[cell])
            problems.append(Problem(
                f"realised.allocations[{rows}]",
                f"realised dwellings exceed the supply of cell corporation={c}, district={d}, "
                f"dwelling_type={t}, period={p} ({supply.get(cell, 0)} offered)", amount))
    return problems
