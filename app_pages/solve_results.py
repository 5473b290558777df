"""Solve the current scenario with HiGHS (time limit, gap, progress, log) and read the result:
KPI cards, charts, KPIs per group and the allocation with filters."""

import streamlit as st

from quota_opt import app_state, charts
from quota_opt import app_views as views
from quota_opt import app_runs as ar
from quota_opt.app_solve import solve_with_progress
from quota_opt.app_state import t
from quota_opt.solve import SolveOptions

scenario = app_state.scenario()
st.title(t("solve.title"))
st.caption(t("solve.scenario", name=scenario.name, source=app_state.source()))
if app_state.edit_problems():
    st.warning(t("solve.unapplied_edits"), icon=":material/warning:")

# ----------------------------------------------------------------------------- solve
with st.container(border=True):
    a, b, c, d = st.columns([1, 1, 2, 1], vertical_alignment="bottom")
    time_limit = a.number_input(t("solve.time_limit"), min_value=1, max_value=3600, value=60, step=10,
                                key="solve_time_limit", help=t("solve.time_limit_help"))
    gap_percent = b.number_input(t("solve.gap"), min_value=0.0, max_value=50.0, value=0.01, step=0.01,
                                 format="%.2f", key="solve_gap", help=t("solve.gap_help"))
    name = c.text_input(t("solve.run_name"), value=t("solve.default_name", n=len(app_state.runs()) + 1),
                        key=f"solve_name_{len(app_state.runs())}")
    solve = d.button(t("solve.button"), type="primary", icon=":material/play_arrow:", key="solve_button",
                     width="stretch")
    left, right = st.columns([3, 2], vertical_alignment="center")
    objectives = views.objective_options()
    chosen_objective = left.radio(t("solve.objective"), list(objectives), format_func=objectives.get,
                                  index=list(objectives).index(scenario.rules.objective), horizontal=True,
                                  key=f"solve_objective_{app_state.editor_version()}", help=t("solve.objective_help"))
    right.toggle(t("solve.show_log"), key="solve_show_log")

if solve:
    options = SolveOptions(time_limit=float(time_limit), mip_gap=gap_percent / 100)
    to_solve = scenario  # the objective is an option of the solve, as `quota-opt solve --objective` has it
    if chosen_objective != scenario.rules.objective:
        to_solve = scenario.model_copy(update={"rules": scenario.rules.model_copy(update={"objective": chosen_objective})})
    slot, solved = st.empty(), False
    with slot.status(t("solve.running"), expanded=True) as status:
        bar = st.progress(0.0, text=t("solve.starting"))
        try:
            solution = solve_with_progress(
                to_solve, options,
                on_progress=lambda progress: bar.progress(progress.fraction, text=views.progress_text(progress)))
        except RuntimeError as error:  # HiGHS missing, a fractional plan: say so, no traceback
            status.update(label=t("solve.failed"), state="error")
            st.error(t("solve.error", error=str(error)), icon=":material/error:")
        else:
            new_run = ar.optimised_run(ar.unique_name(name.strip() or t("solve.default_name", n=1),
                                                      app_state.run_names()), solution)
            app_state.add_run(new_run)
            solved = True
    if solved:
        slot.empty()  # the result's own banner below says how the solve ended
        app_state.store_run(new_run)  # after the run is in the session: a failing store only warns

# --------------------------------------------------------------------------- results
runs = app_state.runs()
if not runs:
    st.info(t("solve.no_runs"), icon=":material/info:")
    st.stop()

ids = [r.id for r in runs]
run_titles = {r.id: views.run_title(r) for r in runs}
if st.session_state.get(app_state.SELECTED_RUN) not in ids:
    st.session_state[app_state.SELECTED_RUN] = app_state.default_run().id
run = app_state.run_by_id(st.selectbox(t("results.run"), ids, key=app_state.SELECTED_RUN,
                                       format_func=run_titles.get))

views.show_status(run)
if run.plan is None:
    st.stop()

st.subheader(t("results.kpis"))
cards = ar.kpi_cards(run.plan)
baseline = ar.kpi_cards(run.solution.rule_of_thumb) if run.solution is not None else None
views.kpi_row(t("results.programme"), cards["total"], baseline["total"] if baseline else None, big=True)
views.kpi_blocks(cards, baseline, {m.id: m.name for m in run.scenario.main_groups})
if baseline:
    st.caption(t("results.delta_note"))
views.fair_plans(run)

st.subheader(t("results.charts"))
view = views.result_views(run)
titles = views.chart_titles()
tabs = st.tabs([t("chart.housed_vs_quota"), t("chart.per_period"), t("chart.corporation"),
                t("chart.district"), t("chart.queue")])
with tabs[0]:
    st.altair_chart(charts.housed_vs_quota(view["groups"], view["main_groups"], titles), width="stretch")
    st.caption(t("chart.quota_tick"))
with tabs[1]:
    st.altair_chart(charts.housed_per_period(view["housed"], view["periods"], view["main_groups"], titles),
                    width="stretch")
    st.altair_chart(charts.heatmap(view["allocation"], "group", "period", view["group_order"],
                                   view["periods"], titles), width="stretch")
with tabs[2]:
    st.altair_chart(charts.heatmap(view["allocation"], "corporation", "main_group", view["corporation_order"],
                                   view["main_groups"], titles), width="stretch")
with tabs[3]:
    st.altair_chart(charts.heatmap(view["allocation"], "district", "main_group", view["district_order"],
                                   view["main_groups"], titles), width="stretch")
with tabs[4]:
    for main_group in view["main_groups"]:
        st.markdown(f"**{main_group}**")
        rows = view["housed_with_start"][view["housed_with_start"].main_group_label == main_group]
        st.altair_chart(charts.queue_over_time(rows, view["periods"], titles), width="stretch")

st.subheader(t("results.per_group"))
st.dataframe(views.group_kpi_view(run), hide_index=True, width="stretch",
             column_config=views.kpi_column_config())
if run.plan is not None and len(run.plan.violations):
    st.warning(t("results.rules_broken", n=len(run.plan.violations)), icon=":material/warning:")


@st.fragment
def allocation_table(run):
    st.subheader(t("results.allocation"))
    filters = {}
    columns = st.columns(5)
    for column, (field, options) in zip(columns, views.filter_options(run.scenario).items()):
        filters[field] = column.multiselect(t(f"col.{field}"), list(options), format_func=options.get,
                                            key=f"filter_{field}", placeholder=t("results.all"))
    table = ar.allocation_view(run, filters)
    st.caption(t("results.allocation_count", rows=len(table), dwellings=views.number(table.dwellings.sum())))
    st.dataframe(views.translated_columns(table), hide_index=True, width="stretch", height=380)


allocation_table(run)

if run.solution is not None and st.session_state.get("solve_show_log"):
    with st.expander(t("solve.log"), expanded=True):
        st.code(run.solution.solver_log or t("solve.log_empty"), language=None)
