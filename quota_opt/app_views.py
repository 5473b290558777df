"""What the pages show, in the session's language: numbers formatted the Dutch or English way,
column headers, editor column settings, status sentences, KPI cards and display tables.

The pages call these; the data come from app_runs and scenario_edit, the texts from i18n."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from . import app_runs as ar
from . import i18n
from .app_midyear import largest_overdue_share
from .app_solve import Progress
from .app_state import language, t
from .scenario_edit import BOUND_KINDS, CellProblem, inflow_column, uptake_column
from .schema import Scenario
from .solve import Status

# ---------------------------------------------------------------------------- numbers


def number(value, decimals: int = 0) -> str:
    return i18n.format_number(value, language(), decimals)


def objective(value) -> str:
    """An objective value: whole numbers without decimals, others with two."""
    if value is None:
        return "–"
    return number(value, 0 if abs(value - round(value)) < 1e-9 else 2)


def percent(value) -> str:
    return i18n.format_percent(value, language())


def column_title(column: str) -> str:
    """A table column's header: the translation of `col.<column>` where there is one."""
    key = f"col.{column}"
    if i18n.has(key):
        return t(key)
    if column.startswith("inflow "):
        return t("col.inflow_in", period=column[len("inflow "):])
    if column.startswith("uptake "):
        return t("col.uptake_in", period=column[len("uptake "):])
    if column.startswith("Δ "):
        return f"Δ {column[2:]}"
    return column


def translated_columns(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={c: column_title(c) for c in frame.columns})


def with_total_label(frame: pd.DataFrame) -> pd.DataFrame:
    """export.pivot tables say 'Total'; say it in the page's language."""
    return frame.rename(index={"Total": t("total")}, columns={"Total": t("total")})


# --------------------------------------------------------------------------- scenario


def editor_columns(scenario: Scenario) -> dict[str, dict]:
    """column_config of each editor table: selectboxes that show labels, numbers with ranges."""
    cc = st.column_config
    s = scenario
    main = {m.id: m.name for m in s.main_groups}
    types = {x.id: x.name for x in s.dwelling_types}
    groups = {g.id: g.name for g in s.groups}
    corporations = {c.id: c.name for c in s.corporations}
    districts = {d.id: d.name for d in s.districts}
    periods = list(s.periods)

    def whole(key: str, minimum: int = 0, **kwargs):
        return cc.NumberColumn(column_title(key), min_value=minimum, step=1, format="%d",
                               help=t(f"help.{key}") if i18n.has(f"help.{key}") else None, **kwargs)

    def choice(key: str, options: dict, **kwargs):
        return cc.SelectboxColumn(column_title(key), options=list(options),
                                  format_func=lambda v, o=options: o.get(v, v), **kwargs)

    group_columns = {
        "_index": cc.TextColumn(t("col.id"), disabled=True, pinned=True),
        "label": cc.TextColumn(column_title("label"), width="medium"),
        "main_group": choice("main_group", main, required=True),
        "eligible_types": cc.MultiselectColumn(column_title("eligible_types"), options=list(types),
                                               format_func=lambda v: types.get(v, v), width="medium"),
        "weight": cc.NumberColumn(column_title("weight"), min_value=0.0, step=0.1, format="%.2f",
                                  help=t("help.weight"), required=True),
        "target_months": whole("target_months", minimum=1),
        "waiting_start": whole("waiting_start"),
        "overdue_start": whole("overdue_start"),
        "quota": whole("quota"),
        "min_housed": whole("min_housed"),
        "max_housed": whole("max_housed"),
        **{inflow_column(p): cc.NumberColumn(column_title(inflow_column(p)), min_value=0, step=1, format="%d",
                                             required=True) for p in periods},
        "self_searching": cc.CheckboxColumn(column_title("self_searching"), help=t("help.self_searching")),
        **{uptake_column(p): cc.NumberColumn(column_title(uptake_column(p)), min_value=0, step=1, format="%d",
                                             help=t("help.forecast_uptake")) for p in periods},
    }
    bound_kinds = {k: t(f"bound.{k}") for k in BOUND_KINDS}
    return {
        "groups": group_columns,
        "bounds": {"group": choice("group", groups, required=True),
                   "bound": choice("bound", bound_kinds, required=True),
                   "period": choice("period", {p: p for p in periods}, required=True),
                   "dwellings": whole("dwellings", required=True)},
        "supply": {"corporation": choice("corporation", corporations, required=True),
                   "district": choice("district", districts, required=True),
                   "dwelling_type": choice("dwelling_type", types, required=True),
                   **{p: cc.NumberColumn(p, min_value=0, step=1, format="%d") for p in periods}},
        "spreading": {"dimension": choice("dimension", {"corporation": t("col.corporation"),
                                                        "district": t("col.district")}, required=True),
                      "main_group": choice("main_group", main, help=t("help.all_groups")),
                      "tolerance": cc.NumberColumn(column_title("tolerance"), min_value=0.0, max_value=1.0,
                                                   step=0.05, format="%.2f", required=True,
                                                   help=t("help.tolerance"))},
        "district_caps": {"district": choice("district", districts, required=True),
                          "main_group": choice("main_group", main, help=t("help.all_groups")),
                          "period": choice("period", {p: p for p in periods}, help=t("help.all_periods")),
                          "max_dwellings": whole("max_dwellings", required=True)},
        "min_batch": {"group": choice("group", groups, required=True),
                      "dwellings": whole("dwellings", required=True)},
    }


def group_column_order(scenario: Scenario) -> list[str]:
    """What the steering group changes most (weights, quotas, queues, inflow) first."""
    return ["label", "weight", "quota", "waiting_start", "overdue_start",
            *[inflow_column(p) for p in scenario.periods], "main_group", "eligible_types", "target_months",
            "min_housed", "max_housed", "self_searching", *[uptake_column(p) for p in scenario.periods]]


def table_height(rows: int, limit: int = 640) -> int:
    """Pixels that show `rows` rows and the header without scrolling (up to `limit`)."""
    return min(limit, 35 * (rows + 1) + 3)


def describe_problem(problem: CellProblem, scenario: Scenario) -> str:
    """'Group Omslag MO/BW gezinnen, column Overdue at start: exceeds waiting_start (50) (value: 60)'."""
    if problem.table == "groups" and problem.row is not None:
        names = {g.id: g.name for g in scenario.groups}
        where = t("problem.group", name=names.get(problem.row, problem.row))
    elif problem.row is not None:
        where = t("problem.row", row=int(problem.row) + 1)
    else:
        where = ""
    if problem.column:
        column = t("problem.column", column=column_title(problem.column))
        where = f"{where}, {column}" if where else column
    value = "" if problem.value is None else t("problem.value", value=_short(problem.value))
    text = f"{i18n.problem_message(problem.message, language())}{value}"
    return f"**{where}**: {text}" if where else text


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def upload_problem_table(problems: list[CellProblem]) -> pd.DataFrame:
    return pd.DataFrame({t("problem.field"): [p.field for p in problems],
                         t("problem.message"): [i18n.problem_message(p.message, language()) for p in problems],
                         t("problem.value_header"): ["" if p.value is None else _short(p.value) for p in problems]})


# ------------------------------------------------------------------------------ solve


def progress_text(progress: Progress) -> str:
    if progress.waiting:
        return t("solve.waiting", seconds=number(progress.seconds, 1))
    text = t("solve.progress", seconds=number(progress.seconds, 1),
             limit=number(progress.time_limit, 0) if progress.time_limit else "∞")
    if progress.best_objective is not None:
        text += " · " + t("solve.best", value=number(progress.best_objective, 2))
    if progress.gap is not None:
        text += " · " + t("solve.gap_now", gap=percent(progress.gap))
    return text


def status_sentence(run: ar.Run) -> str:
    """One line on how a run ended."""
    if run.solution is None:
        return t(f"run.kind.{run.kind.value}")
    solution = run.solution
    values = dict(seconds=number(solution.seconds, 2), gap=percent(solution.gap) if solution.gap is not None else "–",
                  limit=number(solution.options.time_limit or 0, 0))
    return t(f"status.{solution.status.value}", **values)


def run_title(run: ar.Run) -> str:
    kind = t(f"run.kind.{run.kind.value}")
    score = f" · {t('results.objective')} {objective(run.objective)}" if run.objective is not None else ""
    return f"{run.name} ({kind}){score}"


def show_status(run: ar.Run) -> None:
    """Status banner of a run, and the diagnosis when the rules conflict."""
    solution = run.solution
    if solution is None:
        st.info(t("results.reference_plan", kind=t(f"run.kind.{run.kind.value}")), icon=":material/info:")
        return
    sentence = status_sentence(run)
    if solution.status is Status.OPTIMAL:
        st.success(sentence, icon=":material/check_circle:")
    elif solution.status is Status.TIME_LIMIT:
        st.warning(sentence, icon=":material/timer:")
    else:
        st.error(sentence, icon=":material/error:")
    if solution.status is Status.INFEASIBLE and len(solution.diagnosis):
        st.markdown(t("results.diagnosis"))
        frame = solution.diagnosis[["text", "give_way", "side"]].copy()
        frame["side"] = frame.side.map(lambda s: t(f"side.{s}"))
        st.dataframe(translated_columns(frame), hide_index=True, width="stretch")
    if solution.plan is not None:
        rot = solution.rule_of_thumb.objective
        gain = rot - solution.objective
        key = "results.objective_line" if gain >= 0 else "results.objective_line_rule_breaking"
        st.markdown(t(key, objective=objective(solution.objective), rule_of_thumb=objective(rot),
                      gain=objective(abs(gain)), share=percent(abs(gain) / abs(rot)) if rot else "–",
                      broken=len(solution.rule_of_thumb.violations)))


_LOWER_IS_BETTER = {"overdue_household_months", "queue_end"}


def kpi_row(title: str, card: dict, baseline: dict | None, big: bool = False) -> None:
    """Four KPI cards in a row; the delta is against today's rule of thumb."""
    with st.container(border=True):
        st.markdown(f"**{title}**" if not big else f"#### {title}")
        for column, key in zip(st.columns(len(ar.KPI_FIELDS)), ar.KPI_FIELDS):
            _metric(column, key, card[key], baseline[key] if baseline is not None else None)


def kpi_blocks(cards: dict[str, dict], baseline: dict[str, dict] | None, titles: dict[str, str]) -> None:
    """One bordered block per main group, side by side, each with its four KPIs in a 2 x 2 grid."""
    for column, (key, title) in zip(st.columns(len(titles)), titles.items()):
        with column.container(border=True):
            st.markdown(f"**{title}**")
            for pair in (ar.KPI_FIELDS[:2], ar.KPI_FIELDS[2:]):
                for cell, field in zip(st.columns(2), pair):
                    _metric(cell, field, cards[key][field], baseline[key][field] if baseline else None,
                            short=True)


def _metric(where, key: str, value, reference, short: bool = False) -> None:
    """One KPI card; the delta (if any) against `reference`, green where it is better."""
    delta = None
    tiny = 5e-4 if key == "share_within_target" else 0.5  # what would show as +0
    if reference is not None and value is not None and abs(value - reference) >= tiny:
        diff = value - reference
        sign = "+" if diff > 0 else ""
        delta = sign + (_signed_percent_points(diff) if key == "share_within_target" else number(diff))
    shown = percent(value) if key == "share_within_target" else number(value)
    where.metric(t(f"kpi_short.{key}") if short else t(f"kpi.{key}"), shown, delta=delta,
                 help=None if short else t(f"kpi_help.{key}"),
                 delta_color="inverse" if key in _LOWER_IS_BETTER else "normal")


def _signed_percent_points(diff: float) -> str:
    return t("points", value=number(diff * 100, 1))


# ----------------------------------------------------------------------------- charts


def chart_titles() -> dict[str, str]:
    return {key: t(f"chart.title.{key}") for key in
            ("housed", "quota", "group", "main_group", "period", "dwellings", "queue", "overdue", "start",
             "run", "corporation", "district")}


def result_views(run: ar.Run) -> dict:
    """The frames the charts of one run need, with labels (made once per run and session)."""
    store = st.session_state.setdefault("result_views", {})
    if run.id not in store:
        store.clear()  # only the run on screen is kept
        store[run.id] = _result_views(run)
    return store[run.id]


def _result_views(run: ar.Run) -> dict:
    s = run.scenario
    names = ar.labels(s)
    kpis = run.plan.kpis
    groups = kpis.groups[["group", "main_group", "housed_total", "quota"]].copy()
    groups["label"] = groups.group.map(names["group"])
    groups["main_group_label"] = groups.main_group.map(names["main_group"])
    groups["quota"] = groups.quota.astype("float64")
    housed = kpis.housed.copy()
    housed["group_label"] = housed.group.map(names["group"])
    housed["main_group_label"] = housed.main_group.map(names["main_group"])
    allocation = run.plan.allocation.copy()
    allocation["main_group"] = allocation.group.map({g.id: g.main_group for g in s.groups})
    allocation = ar.labelled(allocation, s)
    return {
        "groups": groups, "housed": housed, "allocation": allocation,
        "housed_with_start": ar.housed_frame(run),
        "periods": list(s.periods),
        "main_groups": [m.name for m in s.main_groups],
        "group_order": [g.name for g in s.groups],
        "corporation_order": [c.name for c in s.corporations],
        "district_order": [d.name for d in s.districts],
    }


# ----------------------------------------------------------------------------- tables


def kpi_column_config() -> dict:
    cc = st.column_config
    percent_format = "percent"
    return {column_title("label"): cc.TextColumn(width="medium"),
            column_title("main_group"): cc.TextColumn(width="medium"),
            column_title("main_group_label"): cc.TextColumn(width="medium"),
            column_title("share_within_target"): cc.NumberColumn(format=percent_format),
            column_title("objective"): cc.NumberColumn(format="%.2f"),
            column_title("overdue_household_months"): cc.NumberColumn(format="%d"),
            column_title("weighted_overdue_household_months"): cc.NumberColumn(format="%.1f")}


GROUP_KPI_COLUMNS = ["label", "main_group", "housed_total", "quota", "quota_deviation", "share_within_target",
                     "overdue_household_months", "queue_end"]


def group_kpi_view(run: ar.Run) -> pd.DataFrame:
    frame = run.plan.kpis.groups[GROUP_KPI_COLUMNS].copy()
    frame["main_group"] = frame.main_group.map(ar.labels(run.scenario)["main_group"])
    return translated_columns(frame)


def filter_options(scenario: Scenario) -> dict[str, dict[str, str]]:
    """Filters of the allocation table: column -> {id: label} in scenario order."""
    names = ar.labels(scenario)
    return {key: names[key] for key in ("group", "dwelling_type", "corporation", "district", "period")}


def runs_table(runs: list[ar.Run]) -> pd.DataFrame:
    return pd.DataFrame({
        t("compare.col.name"): [r.name for r in runs],
        t("compare.col.kind"): [t(f"run.kind.{r.kind.value}") for r in runs],
        t("compare.col.scenario"): [r.scenario.name for r in runs],
        t("compare.col.status"): [t(f"status.short.{r.status}") for r in runs],
        t("col.objective"): [r.objective for r in runs],
        t("col.rules_broken"): [len(r.plan.violations) if r.plan is not None else None for r in runs],
    })


def compare_cards(runs: list[ar.Run]) -> None:
    """The programme's four KPIs of each run side by side; the first run is the reference."""
    with_plan = [r for r in runs if r.plan is not None]
    if not with_plan:
        return
    reference = ar.kpi_cards(with_plan[0].plan)["total"]
    per_row = 4
    for start in range(0, len(with_plan), per_row):
        for column, run in zip(st.columns(per_row), with_plan[start:start + per_row]):
            card = ar.kpi_cards(run.plan)["total"]
            with column.container(border=True):
                st.markdown(f"**{run.name}**  \n{t('results.objective')} {objective(run.objective)}")
                for key in ar.KPI_FIELDS:
                    _metric(st, key, card[key], None if run is with_plan[0] else reference[key])
    st.caption(t("compare.delta_note", name=with_plan[0].name))


def comparison_view(runs: list[ar.Run]) -> pd.DataFrame:
    """compare.comparison_table, each main group's runs next to each other."""
    frame = ar.comparison(runs)
    if frame.empty:
        return frame
    order = {m: i for i, m in enumerate(dict.fromkeys(frame.main_group))}
    plans = {p: i for i, p in enumerate(dict.fromkeys(frame.plan))}
    frame = frame.sort_values(["main_group", "plan"], key=lambda c: c.map(order if c.name == "main_group" else plans),
                              kind="stable")
    frame["main_group_label"] = frame.main_group_label.where(frame.main_group != "total", t("total"))
    frame = frame[["main_group_label", "plan", "housed", "quota", "overdue_household_months", "share_within_target",
                   "queue_end", "objective", "rules_broken"]]
    return translated_columns(frame.rename(columns={"housed": "housed_total"}))


def group_difference_view(table: pd.DataFrame, kpi: str) -> pd.DataFrame:
    frame = table.drop(columns=["group"])
    if kpi == "share_within_target":
        for column in frame.columns[1:]:
            frame[column] = frame[column].map(lambda v: None if v is None or v is pd.NA or
                                              (isinstance(v, float) and math.isnan(v)) else round(100 * v, 1))
    return frame.rename(columns={"label": t("col.group")})


def group_chart_frame(table: pd.DataFrame, run_names: list[str]) -> pd.DataFrame:
    long = table.melt(id_vars=["label"], value_vars=run_names, var_name="run", value_name="value")
    return long.astype({"value": "float64"})


# ---------------------------------------------------------------------------- fairness


def fair_plans(run: ar.Run) -> None:
    """For a plan of the fair objective: the largest overdue share, and the KPIs of the plan
    beside those of the weighted objective's plan (Solution.alternatives['weighted'])."""
    solution = run.solution
    if solution is None or run.plan is None or run.scenario.rules.objective != "fair":
        return
    weighted = solution.alternatives.get("weighted")
    st.subheader(t("fair.title"))
    st.caption(t("fair.help"))
    fair_share = largest_overdue_share(run.plan)
    weighted_share = largest_overdue_share(weighted) if weighted is not None else None
    left, right, _ = st.columns([1, 1, 2])
    delta = None
    if weighted_share is not None and abs(fair_share - weighted_share) >= 5e-4:
        diff = fair_share - weighted_share
        delta = ("+" if diff > 0 else "") + _signed_percent_points(diff)
    left.metric(t("fair.share_fair"), percent(fair_share), delta=delta, delta_color="inverse",
                help=t("fair.share_help"))
    if weighted is None:
        st.info(t("fair.no_weighted"), icon=":material/info:")
        return
    right.metric(t("fair.share_weighted"), percent(weighted_share), help=t("fair.share_help"))
    plans = [ar.Run(name=t("fair.weighted_plan"), kind=ar.RunKind.OPTIMISED, scenario=run.scenario, plan=weighted),
             ar.Run(name=t("fair.fair_plan"), kind=ar.RunKind.OPTIMISED, scenario=run.scenario, plan=run.plan)]
    compare_cards(plans)
    st.dataframe(comparison_view(plans), hide_index=True, width="stretch", column_config=kpi_column_config())


def objective_options() -> dict[str, str]:
    return {"weighted": t("objective.weighted"), "fair": t("objective.fair")}


# ---------------------------------------------------------------------------- mid-year


def explain_progress_text(progress) -> str:
    if progress.waiting:
        return t("solve.waiting", seconds=number(progress.seconds, 1))
    return t("midyear.explain_progress", seconds=number(progress.seconds, 1),
             expected=number(max(progress.expected_seconds, 1), 0))


def change_view(table: pd.DataFrame, dimension: str, period: str, fixed: tuple[str, ...]) -> pd.DataFrame:
    """app_midyear.change_table with the page's headers; 'realised' says through which period."""
    through = fixed[-1] if fixed else "–"
    names = {"label": t(f"col.{dimension}"), "planned": t("midyear.col.planned"),
             "realised": t("midyear.col.realised_through", period=through) if period == "total"
             else t("midyear.col.realised"),
             "revised": t("midyear.col.revised"), "change": t("midyear.col.change")}
    return table.rename(columns=names)


def change_column_config() -> dict:
    cc = st.column_config
    return {t("midyear.col.change"): cc.NumberColumn(format="%+d")}


def exposure_view(frame: pd.DataFrame) -> pd.DataFrame:
    """explain's exposure table (labelled): overdue household-months per group with the
    self-searching uptake held at its forecast, with the plan's, and what the plan saves."""
    return frame.rename(columns={"group": t("col.group"), "held_at_forecast": t("midyear.col.held_at_forecast"),
                                 "plan": t("midyear.col.with_plan"), "saved": t("midyear.col.saved")})


def unmet_view(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={"group": t("col.group"), "waiting_at_end": t("midyear.col.waiting_at_end"),
                                 "overdue_at_end": t("midyear.col.overdue_at_end")})
