"""Mid-year: the plan the steering group adopted, what was realised so far, and a re-solve of
the rest of the year (as `quota-opt resolve`): the revised plan, what changed, dwellings moved,
and, on request, what one more dwelling or a looser rule would be worth."""

import streamlit as st

from quota_opt import app_midyear as am
from quota_opt import app_state, charts
from quota_opt import app_views as views
from quota_opt import app_runs as ar
from quota_opt import scenario_edit as se
from quota_opt.app_solve import solve_with_progress
from quota_opt.app_state import t
from quota_opt.errors import ScenarioError
from quota_opt.explain import explanation_report
from quota_opt.solve import SolveOptions

UPLOAD = "__upload__"
ss = st.session_state

st.title(t("midyear.title"))
st.caption(t("midyear.intro"))
if notice := app_state.pop_notice():
    st.success(notice, icon=":material/check_circle:")


def take_realised(name: str, content: bytes) -> None:
    """Realised allocations from a file; the last period they name becomes 'fixed through'."""
    try:
        loaded = am.read_realised_upload(name, content)
    except ScenarioError as error:
        ss["midyear_realised_problems"] = (name, se.upload_problems(error))
        return
    ss.pop("midyear_realised_problems", None)
    ss["midyear_realised"] = loaded
    named = [r["period"] for r in loaded.allocations if r["period"] in periods[:-1]]
    if named:
        ss["midyear_fixed_through"] = max(named, key=periods.index)


def show_problems(key: str) -> None:
    if key in ss:
        name, problems = ss[key]
        st.error(t("midyear.file_invalid", name=name, n=len(problems)), icon=":material/error:")
        st.dataframe(views.upload_problem_table(problems), hide_index=True, width="stretch")


# ------------------------------------------------------------------ 1. the previous plan
with st.container(border=True):
    st.markdown(f"**{t('midyear.step_previous')}**")
    with_plan = [r for r in app_state.runs() if r.plan is not None]
    choices = [r.id for r in with_plan] + [UPLOAD]
    titles = {r.id: views.run_title(r) for r in with_plan} | {UPLOAD: t("midyear.previous_upload_choice")}
    if ss.get("midyear_previous") not in choices:
        default = app_state.default_run()
        ss["midyear_previous"] = default.id if default is not None and default.plan is not None else UPLOAD
    chosen = st.selectbox(t("midyear.previous"), choices, format_func=titles.get, key="midyear_previous",
                          help=t("midyear.previous_help"))
    previous_run = app_state.run_by_id(chosen)
    previous_rows, previous_name = None, None
    if previous_run is not None:
        base = previous_run.scenario
        previous_rows, previous_name = am.plan_rows(previous_run.plan.allocation), previous_run.name
    else:
        base = app_state.scenario()
        upload = st.file_uploader(t("midyear.previous_upload"), type=["csv", "xlsx"], key="midyear_previous_upload",
                                  help=t("midyear.previous_upload_help"))
        # a file once read is kept (also when the uploader is emptied by leaving the page) until another replaces it
        if upload is not None and ss.get("midyear_previous_file", (None,))[0] != upload.file_id:
            try:
                rows = am.read_plan_upload(upload.name, upload.getvalue())
            except ScenarioError as error:
                ss.pop("midyear_previous_file", None)
                ss["midyear_previous_problems"] = (upload.name, se.upload_problems(error))
            else:
                ss.pop("midyear_previous_problems", None)
                ss["midyear_previous_file"] = (upload.file_id, upload.name, rows)
        show_problems("midyear_previous_problems")
        if "midyear_previous_file" in ss:
            _, previous_name, previous_rows = ss["midyear_previous_file"]
    periods = list(base.periods)
    if previous_rows is not None:
        st.caption(t("midyear.previous_facts", scenario=base.name, rows=len(previous_rows),
                     dwellings=views.number(am.dwelling_total(previous_rows))))
    elif not with_plan:
        st.caption(t("midyear.no_plan_yet"))

# ------------------------------------------------------------------- 2. what was realised
with st.container(border=True):
    st.markdown(f"**{t('midyear.step_realised')}**")
    left, right = st.columns([3, 2])
    upload = left.file_uploader(t("midyear.realised_upload"), type=["csv", "xlsx"], key="midyear_realised_upload",
                                help=t("midyear.realised_upload_help"))
    # what was read is kept until the next file, the demo or an example replaces it
    if upload is not None and ss.get("midyear_realised_file") != upload.file_id:
        ss["midyear_realised_file"] = upload.file_id
        take_realised(upload.name, upload.getvalue())
    elif upload is None:
        ss.pop("midyear_realised_file", None)
    with right:
        st.caption(t("midyear.demo_help"))
        if st.button(t("midyear.demo"), icon=":material/science:", key="midyear_demo", width="stretch",
                     disabled=previous_rows is None):
            ss.pop("midyear_realised_problems", None)
            ss["midyear_realised"] = am.Realisations(source="", from_plan=True)
        for name, path in app_state.example_realisations(app_state.source()).items():
            if st.button(t("midyear.example", name=name), icon=":material/description:", key=f"midyear_example_{name}",
                         width="stretch"):
                take_realised(name, path.read_bytes())
    with left:
        show_problems("midyear_realised_problems")

    a, b = st.columns(2)
    choosable = periods[:-1]  # the last period realised leaves nothing to plan
    if ss.get("midyear_fixed_through") not in choosable:
        ss["midyear_fixed_through"] = choosable[max(0, len(periods) // 2 - 1)]
    fixed_through = a.selectbox(t("midyear.fixed_through"), choosable, key="midyear_fixed_through",
                                help=t("midyear.fixed_through_help"))
    most_lag = len(periods) - 2 - periods.index(fixed_through)
    if ss.get("midyear_commit_lag", 0) > most_lag:
        ss["midyear_commit_lag"] = most_lag
    commit_lag = b.number_input(t("midyear.commit_lag"), min_value=0, max_value=most_lag, step=1,
                                key="midyear_commit_lag", help=t("midyear.commit_lag_help"))

    realisations = ss.get("midyear_realised")
    realised_rows = None
    if realisations is not None and (previous_rows is not None or not realisations.from_plan):
        realised_rows = realisations.rows(previous_rows or [], periods, fixed_through)
        source = t("midyear.source_plan", name=previous_name) if realisations.from_plan else realisations.source
        st.info(t("midyear.realised_facts", rows=len(realised_rows), source=source,
                  dwellings=views.number(am.dwelling_total(realised_rows)),
                  updates=len(realisations.updates)), icon=":material/fact_check:")
        with st.expander(t("midyear.realised_table")):
            st.dataframe(views.translated_columns(ar.labelled(
                am.rows_frame(realised_rows), base)), hide_index=True, width="stretch", height=240)
    with st.expander(t("midyear.updates")):
        updates_upload = st.file_uploader(t("midyear.updates_upload"), type=["csv", "xlsx"],
                                          key="midyear_updates_upload", help=t("midyear.updates_help"))
        updates = list(realisations.updates) if realisations is not None else []
        if updates_upload is not None:
            try:
                updates += am.read_updates_upload(updates_upload.name, updates_upload.getvalue())
            except ScenarioError as error:
                st.error(t("midyear.file_invalid", name=updates_upload.name, n=len(error.problems)),
                         icon=":material/error:")
                st.dataframe(views.upload_problem_table(se.upload_problems(error)), hide_index=True, width="stretch")

# -------------------------------------------------------------------- 3. the re-solve
with st.container(border=True):
    st.markdown(f"**{t('midyear.step_resolve')}**")
    a, b, c, d = st.columns([1, 1, 1, 1])
    if ss.get("midyear_base") != base.model_dump_json():  # another previous plan: its scenario's defaults
        ss["midyear_base"] = base.model_dump_json()
        ss.pop("midyear_stability", None)
        ss.pop("midyear_objective", None)
    ss.setdefault("midyear_stability", float(base.rules.stability_weight))
    ss.setdefault("midyear_objective", base.rules.objective)
    stability = a.number_input(t("col.stability_weight"), min_value=0.0, step=0.05, format="%.2f",
                               key="midyear_stability", help=t("help.stability_weight"))
    objectives = views.objective_options()
    objective = b.radio(t("solve.objective"), list(objectives), format_func=objectives.get, key="midyear_objective",
                        help=t("solve.objective_help"))
    time_limit = c.number_input(t("solve.time_limit"), min_value=1, max_value=3600, value=60, step=10,
                                key="midyear_time_limit", help=t("solve.time_limit_help"))
    gap_percent = d.number_input(t("solve.gap"), min_value=0.0, max_value=50.0, value=0.01, step=0.01,
                                 format="%.2f", key="midyear_gap", help=t("solve.gap_help"))
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    n = len(app_state.runs())
    name = left.text_input(t("solve.run_name"), value=t("midyear.default_name", period=fixed_through),
                           key=f"midyear_name_{n}")
    missing = t("midyear.need_previous") if previous_rows is None else (
        t("midyear.need_realised") if realised_rows is None else None)
    resolve = right.button(t("midyear.button"), type="primary", icon=":material/update:", key="midyear_button",
                           width="stretch", disabled=missing is not None)
    if missing:
        st.caption(missing)

if resolve:
    try:
        merged = am.resolve_scenario(base, realised_rows, fixed_through, int(commit_lag), previous_rows, updates,
                                     stability_weight=float(stability), objective=objective,
                                     source=t("midyear.title"))
    except ScenarioError as error:
        st.error(t("midyear.invalid", n=len(error.problems)), icon=":material/error:")
        st.dataframe(views.upload_problem_table(se.upload_problems(error)), hide_index=True, width="stretch")
    else:
        slot, solved = st.empty(), False
        with slot.status(t("midyear.running"), expanded=True) as status:
            bar = st.progress(0.0, text=t("solve.starting"))
            try:
                solution = solve_with_progress(
                    merged, SolveOptions(time_limit=float(time_limit), mip_gap=gap_percent / 100),
                    on_progress=lambda progress: bar.progress(progress.fraction, text=views.progress_text(progress)))
            except RuntimeError as error:  # HiGHS missing, a fractional plan: say so, no traceback
                status.update(label=t("solve.failed"), state="error")
                st.error(t("solve.error", error=str(error)), icon=":material/error:")
            else:
                previous_plan = previous_run.plan if previous_run is not None else (
                    am.judge_rows(base, previous_rows) if solution.plan is not None else None)
                realised_source = (t("midyear.source_plan", name=previous_name) if realisations.from_plan
                                   else realisations.source)
                revision = am.revision(solution, previous_name, previous_plan, realised_source)
                run = ar.revised_run(ar.unique_name(name.strip() or t("midyear.default_name", period=fixed_through),
                                                    app_state.run_names()), solution, revision)
                app_state.add_run(run)
                ss["midyear_result"] = run.id
                solved = True
        if solved:
            slot.empty()
            app_state.store_run(run, previous_run.stored_id if previous_run is not None else None)

# ---------------------------------------------------------------------------- results
revised = [r for r in app_state.runs() if r.kind is ar.RunKind.REVISED]
if not revised:
    st.info(t("midyear.no_runs"), icon=":material/info:")
    st.stop()

st.header(t("midyear.result"))
ids = [r.id for r in revised]
if ss.get("midyear_result") not in ids:
    ss["midyear_result"] = ids[-1]
run = app_state.run_by_id(st.selectbox(t("results.run"), ids, key="midyear_result",
                                       format_func={r.id: views.run_title(r) for r in revised}.get))
revision = run.revision
views.show_status(run)
st.caption(t("midyear.periods", previous=revision.previous_name, source=revision.realised_source,
             fixed=", ".join(revision.fixed_periods) or "–", committed=", ".join(revision.committed_periods) or "–",
             free=", ".join(revision.free_periods) or "–"))
if run.plan is None:
    st.stop()

st.subheader(t("results.kpis"))
cards = ar.kpi_cards(run.plan)
before = ar.kpi_cards(revision.previous) if revision.previous is not None else None
views.kpi_row(t("results.programme"), cards["total"], before["total"] if before else None, big=True)
views.kpi_blocks(cards, before, {m.id: m.name for m in run.scenario.main_groups})
if before:
    st.caption(t("midyear.delta_note", name=revision.previous_name))
views.fair_plans(run)

# ------------------------------------------------------------------------- what changed
st.subheader(t("midyear.changes"))
a, b, c = st.columns([1, 1, 1], vertical_alignment="bottom")
dimensions = {k: t(f"col.{k}") for k in am.CHANGE_DIMENSIONS}
dimension = a.selectbox(t("midyear.dimension"), list(dimensions), format_func=dimensions.get, key="midyear_dimension")
period_choices = {"total": t("midyear.whole_year"), **{p: p for p in run.scenario.periods}}
period = b.selectbox(t("col.period"), list(period_choices), format_func=period_choices.get, key="midyear_period")
moved = revision.moved["dwellings_moved"]  # half the contingent changes: a single one is 0.5, not "0"
c.metric(t("midyear.moved"), views.number(moved, 0 if float(moved).is_integer() else 1),
         help=t("midyear.moved_help", periods=", ".join(revision.moved["periods"]) or "–"))
table = am.change_table(revision.changes, run.scenario, dimension, period)
st.dataframe(views.change_view(table, dimension, period, revision.fixed_periods), hide_index=True, width="stretch",
             column_config=views.change_column_config())
series = {"planned": t("midyear.col.planned"), "realised": t("midyear.col.realised"),
          "revised": t("midyear.col.revised")}
per_group = am.planned_vs_revised(revision.changes, run.scenario).rename(columns=series)
long = views.group_chart_frame(per_group, list(series.values()))
st.altair_chart(charts.compare_groups(long, list(per_group.label), list(series.values()),
                                      {**views.chart_titles(), "value": t("chart.title.dwellings")}), width="stretch")
st.caption(t("midyear.chart_note"))

st.subheader(t("results.per_group"))
st.dataframe(views.group_kpi_view(run), hide_index=True, width="stretch", column_config=views.kpi_column_config())

# ------------------------------------------------------------------------- explanations
st.subheader(t("midyear.explain_title"))
if revision.explanation is None:
    st.caption(t("midyear.explain_help", n=am.expected_resolves(run.solution)))
    if st.button(t("midyear.explain"), icon=":material/lightbulb:", key="midyear_explain"):
        slot = st.empty()
        with slot.status(t("midyear.explain_running"), expanded=True) as status:
            bar = st.progress(0.0, text=t("solve.starting"))
            try:
                explanation = am.explain_with_progress(
                    run.solution, run.solution.options,
                    on_progress=lambda progress: bar.progress(progress.fraction,
                                                              text=views.explain_progress_text(progress)))
            except RuntimeError as error:
                status.update(label=t("solve.failed"), state="error")
                st.error(t("solve.error", error=str(error)), icon=":material/error:")
            else:
                run = ar.with_explanation(run, explanation)
                app_state.replace_run(run)
                app_state.store_tables(run, explanation_report(explanation)[0])
                revision = run.revision
        if revision.explanation is not None:
            slot.empty()
if revision.explanation is not None:
    explanation = revision.explanation
    lang = app_state.language()
    sentences = am.marginal_sentences(explanation.marginal, run.scenario, lang, limit=10)
    st.markdown(f"**{t('midyear.marginal')}**")
    st.markdown("\n".join(f"- {s}" for s in sentences) if sentences else t("midyear.marginal_none"))
    if explanation.exposure_sentences:
        st.markdown(f"**{t('midyear.exposure')}**")
        st.markdown("\n".join(f"- {s}" for s in am.exposure_sentences(explanation, run.scenario, lang)))
        st.dataframe(views.exposure_view(am.labelled_groups(explanation.exposure, run.scenario)),
                     hide_index=True, width="stretch")

st.markdown(f"**{t('midyear.unmet')}**")
st.dataframe(views.unmet_view(am.unmet(run.solution)), hide_index=True, width="stretch")
