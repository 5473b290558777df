"""Export: the workbook of spec §5, the allocation CSV and summary.json of a run, and the
scenario it was made for, as downloads built from the run kept in the session."""

import streamlit as st

from quota_opt import app_state
from quota_opt import app_views as views
from quota_opt import app_runs as ar
from quota_opt.app_state import t
from quota_opt.scenario_edit import file_stem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title(t("export.title"))
runs = app_state.runs()
if not runs:
    st.info(t("export.no_runs"), icon=":material/info:")
    st.stop()

ids = [r.id for r in runs]
titles = {r.id: views.run_title(r) for r in runs}
if st.session_state.get("export_run") not in ids:
    st.session_state["export_run"] = app_state.default_run().id
run = app_state.run_by_id(st.selectbox(t("export.run"), ids, key="export_run",
                                       format_func=titles.get))
stem = f"{file_stem(run.scenario)}-{ar.file_part(run.name)}"

with st.container(border=True):
    st.markdown(f"**{t('export.workbook')}**")
    if ar.has_workbook(run):
        st.caption(t("export.workbook_help"))
        st.download_button(t("export.workbook_button"), app_state.export_bytes(run, "xlsx", ar.run_workbook_bytes),
                           file_name=f"{stem}-allocation.xlsx", mime=XLSX, on_click="ignore",
                           icon=":material/table_view:", key="export_xlsx")
    else:
        st.caption(t("export.workbook_only_solved"))

with st.container(border=True):
    st.markdown(f"**{t('export.tables')}**")
    left, middle, right = st.columns(3)
    if run.plan is not None:
        left.download_button(t("export.csv_button"), app_state.export_bytes(run, "csv", ar.allocation_csv_bytes),
                             file_name=f"{stem}-allocation.csv", mime="text/csv", on_click="ignore",
                             icon=":material/csv:", key="export_csv")
    if run.solution is not None:
        middle.download_button(t("export.summary_button"),
                               app_state.export_bytes(run, "summary", ar.summary_json_bytes),
                               file_name=f"{stem}-summary.json", mime="application/json", on_click="ignore",
                               icon=":material/data_object:", key="export_summary")
    right.download_button(t("export.scenario_button"), app_state.scenario_files(run.scenario)["yaml"],
                          file_name=f"{file_stem(run.scenario)}.yaml", mime="application/yaml",
                          on_click="ignore", icon=":material/description:", key="export_scenario")
    st.caption(t("export.tables_help"))

if len([r for r in runs if r.plan is not None]) >= 2:
    with st.container(border=True):
        st.markdown(f"**{t('export.comparison')}**")
        st.download_button(t("export.comparison_button"), ar.comparison_workbook_bytes(runs),
                           file_name="comparison.xlsx", mime=XLSX, on_click="ignore",
                           icon=":material/compare_arrows:", key="export_comparison")
