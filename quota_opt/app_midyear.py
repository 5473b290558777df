"""The mid-year page's logic: the previous plan and what was realised so far, merged into the
scenario of a re-solve the way `quota-opt resolve` merges them (quota_opt.midyear), what the
re-solve changed, and its explanations in the page's language.

No Streamlit here; the page keeps the pieces in the session and calls these functions."""

from __future__ import annotations

import re
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from . import i18n
from .app_runs import labels
from .app_solve import POLL_SECONDS, run_with_solver_lock
from .changes import dwellings_moved, what_changed
from .data import ModelData
from .errors import Problem, ScenarioError
from .explain import Explanation, explain, explanation_report, unmet_demand
from .export import _largest_overdue_share
from .io import scenario_to_dict
from .midyear import ALLOCATION_COLUMNS, apply_updates, override_rules, read_allocations, read_updates
from .pipeline import PlanReport, Solution
from .results import allocation_dict
from .schema import Scenario, parse_scenario
from .solve import SolveOptions

UPLOAD_SUFFIXES = (".csv", ".xlsx")
CHANGE_DIMENSIONS = ("group", "main_group", "dwelling_type", "corporation")
"""The dimensions of changes.what_changed, in the order the page offers them."""


# ----------------------------------------------------------------------- the inputs


@dataclass(frozen=True)
class Realisations:
    """What was allocated so far: the rows of an uploaded file (and the updated forecasts of
    its 'updates' sheet), or, for a demo without files, the previous plan itself up to the
    last realised period (`from_plan`)."""

    source: str
    allocations: tuple[dict, ...] = ()
    updates: tuple[dict, ...] = ()
    from_plan: bool = False

    def rows(self, previous: list[dict], periods: list[str], fixed_through: str) -> list[dict]:
        """The realised rows for a re-solve fixed through `fixed_through`."""
        return rows_through(previous, periods, fixed_through) if self.from_plan else [dict(r) for r in self.allocations]


def plan_rows(allocation: pd.DataFrame) -> list[dict]:
    """A plan's allocation as rows of allocation.csv (the previous plan of a re-solve)."""
    frame = allocation[ALLOCATION_COLUMNS]
    return [{**{k: str(r[k]) for k in ALLOCATION_COLUMNS[:-1]}, "dwellings": int(r["dwellings"])}
            for r in frame.to_dict("records")]


def rows_frame(rows: list[dict]) -> pd.DataFrame:
    """Allocation rows as a frame with allocation.csv's columns."""
    return pd.DataFrame(rows, columns=ALLOCATION_COLUMNS)


def dwelling_total(rows: list[dict]) -> float:
    """The dwellings of allocation rows, counting only numeric cells: a blank or text cell of an
    upload is reported by the re-solve's validation (with its row and value), not summed here."""
    return sum(r["dwellings"] for r in rows
               if isinstance(r.get("dwellings"), (int, float)) and not isinstance(r.get("dwellings"), bool))


def rows_through(rows: list[dict], periods: list[str], fixed_through: str) -> list[dict]:
    """The rows of periods up to and including `fixed_through`."""
    kept = set(periods[: periods.index(fixed_through) + 1])
    return [dict(r) for r in rows if str(r["period"]) in kept]


def _read_upload(name: str, content: bytes, read: Callable[[Path], object], what: str):
    """`read` on an uploaded CSV or xlsx file; every problem raised as a ScenarioError that
    names the upload."""
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ScenarioError(name, [Problem("(file)", "unknown file type; use .csv or .xlsx", name)])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name  # its own name, which a problem may quote
        path.write_bytes(content)
        try:
            return read(path)
        except ScenarioError as exc:
            raise ScenarioError(name, exc.problems) from None
        except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:  # a workbook openpyxl cannot open
            raise ScenarioError(name, [Problem("(file)", f"cannot read {what}: {exc}", name)]) from None


def read_plan_upload(name: str, content: bytes) -> list[dict]:
    """The previous plan from an uploaded allocation.csv (or allocation.xlsx of quota-opt)."""
    return _read_upload(name, content, read_allocations, "an allocation table")


def read_realised_upload(name: str, content: bytes) -> Realisations:
    """Realised allocations from an uploaded CSV or xlsx; an xlsx may hold a sheet 'updates'."""
    def read(path: Path) -> Realisations:
        updates = []
        if path.suffix == ".xlsx" and "updates" in pd.ExcelFile(path).sheet_names:
            updates = read_updates(path)
        return Realisations(source=name, allocations=tuple(read_allocations(path)), updates=tuple(updates))

    return _read_upload(name, content, read, "an allocation table")


def read_updates_upload(name: str, content: bytes) -> list[dict]:
    """Updated forecasts (group, field, period, value) from an uploaded CSV or xlsx."""
    return _read_upload(name, content, read_updates, "an update table")


def resolve_scenario(base: Scenario, realised: list[dict], fixed_through: str, commit_lag: int,
                     previous: list[dict], updates: list[dict] | tuple = (), stability_weight: float | None = None,
                     objective: str | None = None, source: str = "mid-year") -> Scenario:
    """The scenario of a re-solve, built as quota_opt.midyear.resolve_scenario builds it from
    files: `base` with its realised part and previous plan replaced, the updates applied and
    the rules' stability weight and objective set. Raises ScenarioError with every problem."""
    raw = scenario_to_dict(base)
    raw.pop("previous_plan", None)
    raw["realised"] = {"fixed_through": fixed_through, "allocations": [dict(r) for r in realised],
                       "commit_lag": commit_lag}
    raw["previous_plan"] = [dict(r) for r in previous]
    if updates:
        apply_updates(raw, [dict(u) for u in updates], f"{source} (updates)")
    override_rules(raw, stability_weight, objective)
    return parse_scenario(raw, source)


def judge_rows(scenario: Scenario, rows: list[dict]) -> PlanReport:
    """An uploaded previous plan judged on the scenario it was made for (its KPIs)."""
    from .pipeline import judge  # noqa: PLC0415 - builds the model; only needed for uploads

    return judge(ModelData(scenario), allocation_dict(rows_frame(rows)))


# ------------------------------------------------------------------- the re-solve


@dataclass(frozen=True)
class Revision:
    """What a re-solve is about and what it changed: kept with the revised run."""

    previous_name: str
    previous: PlanReport | None
    """The previous plan as judged on its own scenario, for the KPIs' differences."""
    realised_source: str
    fixed_periods: tuple[str, ...]
    committed_periods: tuple[str, ...]
    free_periods: tuple[str, ...]
    changes: pd.DataFrame | None
    """changes.what_changed; None when the re-solve found no plan."""
    moved: dict | None
    """changes.dwellings_moved; None when the re-solve found no plan."""
    explanation: Explanation | None = None

    def report(self) -> tuple[dict[str, pd.DataFrame], dict]:
        """Workbook sheets and summary.json sections, named as `quota-opt resolve` names them."""
        tables: dict[str, pd.DataFrame] = {}
        sections: dict = {}
        if self.changes is not None:
            tables["What changed"] = self.changes
            sections["what_changed"] = self.changes.astype(object).where(self.changes.notna(), None).to_dict("records")
            sections["dwellings_moved"] = self.moved
        if self.explanation is not None:
            explained_tables, explained_sections = explanation_report(self.explanation)
            tables.update(explained_tables)
            sections.update(explained_sections)
        return tables, sections


def revision(solution: Solution, previous_name: str, previous: PlanReport | None, realised_source: str) -> Revision:
    """The Revision of a re-solve's solution."""
    data = ModelData(solution.scenario)
    frozen = set(data.fixed_periods) | set(data.committed_periods)
    changes = moved = None
    if solution.plan is not None:
        revised = allocation_dict(solution.allocation)
        changes, moved = what_changed(data, revised), dwellings_moved(data, revised)
    return Revision(previous_name=previous_name, previous=previous, realised_source=realised_source,
                    fixed_periods=tuple(data.fixed_periods), committed_periods=tuple(data.committed_periods),
                    free_periods=tuple(p for p in data.periods if p not in frozen), changes=changes, moved=moved)


def change_table(changes: pd.DataFrame, scenario: Scenario, dimension: str, period: str = "total") -> pd.DataFrame:
    """One row per id of `dimension` (in scenario order, labelled): planned, realised, revised
    and the change, for one period or the whole year ('total')."""
    rows = changes[(changes.dimension == dimension) & (changes.period == period)]
    names = labels(scenario)[dimension]
    return pd.DataFrame({"label": rows.id.map(lambda i: names.get(i, i)).values,
                         "planned": rows.planned.values, "realised": rows.realised.values,
                         "revised": rows.revised.values, "change": rows.change.values})


def planned_vs_revised(changes: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Per group over the year: label, planned, realised, revised (for the chart)."""
    table = change_table(changes, scenario, "group")
    return table[["label", "planned", "realised", "revised"]].astype({"realised": "float64"})


def largest_overdue_share(plan: PlanReport) -> float:
    """The fair objective's measure: max over groups of the share of households due by a
    period that wait beyond target (what summary.json reports)."""
    return _largest_overdue_share(plan)


def labelled_groups(frame: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """A per-group frame of the explanations with the group's label in place of its id."""
    names = labels(scenario)["group"]
    return frame.assign(group=frame.group.map(lambda g: names.get(g, g)))


def unmet(solution: Solution) -> pd.DataFrame:
    """Households still waiting, and overdue, at the end of the year, per group (labelled)."""
    return labelled_groups(unmet_demand(solution), solution.scenario)


# ------------------------------------------------------------------- explanations


@dataclass(frozen=True)
class ExplainProgress:
    seconds: float
    expected_seconds: float
    """A rough estimate: the re-solves expected, times the time of the re-solve itself."""
    waiting: bool

    @property
    def fraction(self) -> float:
        if self.waiting or self.expected_seconds <= 0:
            return 0.0
        return min(self.seconds / self.expected_seconds, 0.99)


def expected_resolves(solution: Solution) -> int:
    """About how many solves explain() runs: one per dwelling type and period still to plan
    (offered there or not), one per district cap that may bind, one for the self-searching
    groups' exposure."""
    data = ModelData(solution.scenario)
    frozen = set(data.fixed_periods) | set(data.committed_periods)
    free = [p for p in data.periods if p not in frozen]
    searching = any(g.self_searching and g.forecast_uptake is not None for g in solution.scenario.groups)
    return (len(solution.scenario.dwelling_types) * len(free) + len(solution.scenario.rules.district_caps)
            + int(searching))


def explain_with_progress(solution: Solution, options: SolveOptions | None = None,
                          on_progress: Callable[[ExplainProgress], None] | None = None,
                          poll_seconds: float = POLL_SECONDS) -> Explanation:
    """explain() in a worker thread (one solve at a time in the process, see app_solve), with
    `on_progress` called from the caller's thread; errors are raised in the caller's thread."""
    per_solve = max(solution.seconds, 0.02) * (3 if solution.scenario.rules.objective == "fair" else 1) + 0.05
    expected = expected_resolves(solution) * per_solve

    def tick(since: float | None, requested: float) -> None:
        on_progress(ExplainProgress(time.perf_counter() - (since or requested), expected, since is None))

    return run_with_solver_lock(lambda: explain(solution, options), tick if on_progress is not None else None,
                                poll_seconds, name="quota-opt-explain")


# The subjects explain.marginal_values writes for a binding rule (ids, English), read back so
# that the page can say them in its own language with labels.
_RULE_SUBJECTS = [
    (re.compile(r"^the district cap (?P<district>.+) for (?P<who>.+)$"), "district_cap"),
    (re.compile(r"^min_cumulative of group (?P<group>.+) by (?P<period>.+)$"), "min_cumulative"),
    (re.compile(r"^(?P<rule>min_housed_per_period|max_housed_per_period) of group (?P<group>.+) in (?P<period>.+)$"),
     None),
    (re.compile(r"^(?P<rule>max_housed|min_housed) of group (?P<group>.+)$"), None),
]


def rule_phrase(subject: str, period, scenario: Scenario, lang: str) -> str:
    """'the district cap nieuw_west for with_support' -> 'het maximum in stadsdeel Nieuw-West
    voor Met begeleiding' (nl); an unknown subject is returned as it is."""
    names = labels(scenario)
    for pattern, kind in _RULE_SUBJECTS:
        match = pattern.match(subject)
        if not match:
            continue
        found = match.groupdict()
        kind = kind or found["rule"]
        if kind == "district_cap":
            who = found["who"]
            who = i18n.t("explain.all_groups", lang) if who == "all groups" else names["main_group"].get(who, who)
            text = i18n.t("explain.rule.district_cap", lang, district=names["district"].get(found["district"],
                                                                                          found["district"]), who=who)
            if isinstance(period, str) and period:
                text += i18n.t("explain.in_period", lang, period=period)
            return text
        return i18n.t(f"explain.rule.{kind}", lang, group=names["group"].get(found["group"], found["group"]),
                      period=found.get("period") or "")
    return subject


def marginal_sentence(row: dict, scenario: Scenario, lang: str) -> str:
    """One row of explain's marginal values as a sentence in `lang`."""
    saved = float(row["household_months_saved"])
    amount = i18n.format_number(abs(saved), lang)
    effect = "none" if abs(saved) < 0.5 else ("saves" if saved > 0 else "adds")
    if row["kind"] == "one more dwelling":
        what = i18n.t("explain.more_dwelling", lang, type=row["subject"], period=row["period"])
    else:
        what = i18n.t("explain.relax", lang, rule=rule_phrase(row["subject"], row["period"], scenario, lang))
    sentence = i18n.t(f"explain.effect.{effect}", lang, what=what, n=amount)
    return sentence[:1].upper() + sentence[1:]


def marginal_sentences(marginal: pd.DataFrame, scenario: Scenario, lang: str, limit: int | None = None) -> list[str]:
    rows = marginal.to_dict("records")
    return [marginal_sentence(r, scenario, lang) for r in (rows if limit is None else rows[:limit])]


_EXPOSURE_NOTHING = re.compile(r"^lowering the exposure of (?P<group>.+) gains nothing: "
                               r"the plan leaves its uptake at the forecast$")
_EXPOSURE_GAIN = re.compile(r"^exposing (?P<n>\d+) fewer dwellings to (?P<group>.+) lowers the objective by "
                            r"(?P<objective>-?[\d,]*\.?\d+): ")
_EXPOSURE_INFEASIBLE = "holding self-searching uptake at its forecast leaves no feasible plan"


def exposure_sentences(explanation: Explanation, scenario: Scenario, lang: str) -> list[str]:
    """explain's sentences on lowering self-searching groups' exposure, in `lang` with labels;
    who gains and who waits longer come from its exposure table (as the engine writes them)."""
    names = labels(scenario)["group"]
    frame = explanation.exposure
    out = []
    for sentence in explanation.exposure_sentences:
        if sentence == _EXPOSURE_INFEASIBLE:
            out.append(i18n.t("explain.exposure.infeasible", lang))
        elif match := _EXPOSURE_NOTHING.match(sentence):
            out.append(i18n.t("explain.exposure.nothing", lang, group=names.get(match["group"], match["group"])))
        elif match := _EXPOSURE_GAIN.match(sentence):
            def listing(rows) -> str:
                return ", ".join(f"{names.get(r.group, r.group)} {i18n.format_number(abs(r.saved), lang)}"
                                 for r in rows.head(5).itertuples())
            gainers = listing(frame[frame.saved > 0].sort_values("saved", ascending=False))
            losers = listing(frame[frame.saved < 0].sort_values("saved"))
            out.append(i18n.t(
                "explain.exposure.gain", lang, n=match["n"], group=names.get(match["group"], match["group"]),
                objective=i18n.format_number(float(match["objective"].replace(",", "")), lang, 1),
                who=gainers or i18n.t("explain.exposure.no_group", lang),
                cost=i18n.t("explain.exposure.cost", lang, who=losers) if losers else "",
                net=i18n.format_number(float(frame.saved.sum()), lang)))
        else:
            out.append(sentence)  # a wording this page does not know: the engine's own words
    return out
