"""Compare: two or more runs side by side (KPIs per main group, per-group differences), with
today's rule of thumb and the agreed division as runs of their own."""

import streamlit as st

from quota_opt import app_state, charts
from quota_opt import app_views as views
from quota_opt import app_runs as ar
from quota_opt.app_state import t
from quota_opt.solve import SolveOptions

scenario = app_state.scenario()
st.title(t("compare.title"))
if notice := app_state.pop_notice():
    st.success(notice, icon=":material/check_circle:")

# ----------------------------------------------------------------- add reference plans
with st.container(border=True):
    st.markdown(t("compare.add_help", name=scenario.name))
    left, right = st.columns(2)
    if left.button(t("compare.add_agreed"), icon=":material/handshake:", key="add_agreed", width="stretch"):
        with st.spinner(t("compare.agreed_running")):
            try:
                run = ar.agreed_division_run(ar.unique_name(t("run.agreed_division"), app_state.run_names()),
                                             scenario, SolveOptions(time_limit=120))
            except RuntimeError as error:  # the quotas cannot be followed: no plan
                st.error(t("compare.agreed_failed", error=str(error)), icon=":material/error:")
            else:
                app_state.add_run(run, select=False)
                app_state.add_to_comparison(run)
                app_state.notify(t("compare.added", name=run.name))
                st.rerun()
    if right.button(t("compare.add_rule_of_thumb"), icon=":material/rule:", key="add_rule_of_thumb",
                    width="stretch"):
        run = ar.rule_of_thumb_run(ar.unique_name(t("run.rule_of_thumb"), app_state.run_names()), scenario,
                                   app_state.latest_solution_for(scenario))
        app_state.add_run(run, select=False)
        app_state.add_to_comparison(run)
        app_state.notify(t("compare.added", name=run.name))
        st.rerun()

runs = app_state.runs()
if not runs:
    st.info(t("compare.no_runs"), icon=":material/info:")
    st.stop()
run_names = {r.id: r.name for r in runs}

st.subheader(t("compare.runs"))
st.dataframe(views.runs_table(runs), hide_index=True, width="stretch")
with st.expander(t("compare.remove")):
    doomed = st.multiselect(t("compare.remove_which"), [r.id for r in runs],
                            format_func=run_names.get, key="compare_remove")
    if st.button(t("compare.remove_button"), disabled=not doomed, key="compare_remove_button"):
        app_state.remove_runs(doomed)
        st.rerun()

ids = [r.id for r in runs]
app_state.keep_known(app_state.COMPARED, ids, default=ids[-4:])
chosen = st.multiselect(t("compare.which"), ids, key=app_state.COMPARED,
                        format_func=run_names.get)
selected = [app_state.run_by_id(i) for i in chosen]
if len(selected) < 2:
    st.info(t("compare.pick_two"), icon=":material/info:")
    st.stop()
if len({r.scenario.model_dump_json() for r in selected}) > 1:
    st.caption(t("compare.different_scenarios"))

st.subheader(t("compare.programme"))
views.compare_cards(selected)

st.subheader(t("compare.main_groups"))
st.dataframe(views.comparison_view(selected), hide_index=True, width="stretch",
             column_config=views.kpi_column_config())

st.subheader(t("compare.per_group"))
a, b = st.columns(2)
kpi_names = {k: t(f"col.{k}") for k in ar.GROUP_KPIS}
kpi = a.selectbox(t("compare.kpi"), list(kpi_names), format_func=kpi_names.get, key="compare_kpi")
if st.session_state.get("compare_reference") not in chosen:
    st.session_state["compare_reference"] = chosen[0]
reference = app_state.run_by_id(b.selectbox(t("compare.reference"), [r.id for r in selected], key="compare_reference",
                                            format_func=run_names.get))
table = ar.group_kpi_table(selected, kpi, reference)
st.dataframe(views.group_difference_view(table, kpi), hide_index=True, width="stretch")
long = views.group_chart_frame(table, [r.name for r in selected])
st.altair_chart(charts.compare_groups(long, list(table.label), [r.name for r in selected],
                                      {**views.chart_titles(), "value": t(f"col.{kpi}")}), width="stretch")

st.download_button(t("compare.download"), ar.comparison_workbook_bytes(selected), file_name="comparison.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click="ignore", icon=":material/download:", key="compare_download")
