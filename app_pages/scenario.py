"""Scenario: load a file or an example, edit it as tables, see every problem next to its
table, download the result. Edits count when the user presses Apply (one form)."""

import streamlit as st

from quota_opt import app_state
from quota_opt import app_views as views
from quota_opt import scenario_edit as se
from quota_opt.app_state import t
from quota_opt.errors import ScenarioError

scenario = app_state.scenario()
version = app_state.editor_version()

st.title(t("scenario.title"))
if notice := app_state.pop_notice():
    st.success(notice, icon=":material/check_circle:")

# ------------------------------------------------------------------------------ load
with st.container(border=True):
    left, right = st.columns([3, 2])
    upload = left.file_uploader(t("scenario.upload"), type=["yaml", "yml", "json", "xlsx"],
                                help=t("scenario.upload_help"), key="scenario_upload")
    if upload is not None and st.session_state.get(app_state.UPLOADED) != upload.file_id:
        st.session_state[app_state.UPLOADED] = upload.file_id
        try:
            loaded = se.load_uploaded(upload.name, upload.getvalue())
        except ScenarioError as error:
            st.session_state[app_state.UPLOAD_PROBLEMS] = (upload.name, se.upload_problems(error))
        else:
            st.session_state.pop(app_state.UPLOAD_PROBLEMS, None)
            app_state.set_scenario(loaded, upload.name)
            app_state.notify(t("scenario.loaded", name=loaded.name, source=upload.name))
            st.rerun()
    examples = app_state.example_scenarios()
    chosen = right.selectbox(t("scenario.examples"), list(examples), key="scenario_example",
                             index=list(examples).index(app_state.DEMO.name) if app_state.DEMO.name in examples else 0)
    if right.button(t("scenario.load_example"), icon=":material/restart_alt:"):
        st.session_state.pop(app_state.UPLOAD_PROBLEMS, None)
        app_state.set_scenario(app_state.load_file(examples[chosen]), chosen)
        app_state.notify(t("scenario.loaded", name=app_state.scenario().name, source=chosen))
        st.rerun()
    if app_state.UPLOAD_PROBLEMS in st.session_state:
        file_name, problems = st.session_state[app_state.UPLOAD_PROBLEMS]
        left.error(t("scenario.upload_invalid", name=file_name, n=len(problems)), icon=":material/error:")
        left.dataframe(views.upload_problem_table(problems), hide_index=True, width="stretch")

# --------------------------------------------------------------------------- summary
st.subheader(scenario.name)
facts = se.scenario_facts(scenario)
for column, key in zip(st.columns(5), ("groups", "periods", "supply", "quota", "demand")):
    column.metric(t(f"facts.{key}"), views.number(facts[key]))
if scenario.description or scenario.notes:
    with st.expander(t("scenario.about")):
        if scenario.description:
            st.write(scenario.description)
        for note in scenario.notes:
            st.markdown(f"- {note}")
if scenario.realised is not None:
    st.info(t("scenario.realised", period=scenario.realised.fixed_through,
              n=len(scenario.realised.allocations)), icon=":material/lock:")

# ---------------------------------------------------------------------------- editor
tables = app_state.tables(scenario)
problems = app_state.edit_problems()
columns = views.editor_columns(scenario)
counts = {table: len([p for p in problems if p.table == table]) for table in se.TABLES}
tab_names = ["groups", "bounds", "supply", "rules", "names"]
tab_counts = {**counts, "rules": counts["spreading"] + counts["district_caps"] + counts["min_batch"]
              + counts["settings"], "names": counts["names"]}
slots = {}
with st.form(f"scenario_form_{version}", border=False):
    st.caption(t("scenario.edit_help"))
    tabs = st.tabs([t(f"tab.{name}") + (f" ⚠ {tab_counts[name]}" if tab_counts[name] else "")
                    for name in tab_names])
    with tabs[0]:
        groups = st.data_editor(tables.groups, key=f"groups_{version}", column_config=columns["groups"],
                                column_order=views.group_column_order(scenario), num_rows="fixed",
                                width="stretch", height=views.table_height(len(tables.groups)), placeholder="")
        slots["groups"] = st.container()
    with tabs[1]:
        st.caption(t("scenario.bounds_help"))
        bounds = st.data_editor(tables.bounds, key=f"bounds_{version}", column_config=columns["bounds"],
                                num_rows="dynamic", hide_index=True, width="stretch")
        slots["bounds"] = st.container()
    with tabs[2]:
        st.caption(t("scenario.supply_help"))
        supply = st.data_editor(tables.supply, key=f"supply_{version}", column_config=columns["supply"],
                                num_rows="dynamic", hide_index=True, width="stretch", height=420)
        slots["supply"] = st.container()
        with st.expander(t("scenario.supply_totals")):
            st.dataframe(views.with_total_label(se.supply_totals(scenario)), width="stretch")
    with tabs[3]:
        a, b, c = st.columns(3)
        settings = {
            "quota_weight": a.number_input(t("col.quota_weight"), min_value=0.0, step=0.1,
                                           value=tables.settings["quota_weight"], key=f"qw_{version}",
                                           help=t("help.quota_weight")),
            "housing_reward": b.number_input(t("col.housing_reward"), min_value=0.0, step=0.01,
                                             value=tables.settings["housing_reward"], format="%.3f",
                                             key=f"hr_{version}", help=t("help.housing_reward")),
            "target_months": c.number_input(t("col.target_months"), min_value=1, step=scenario.months_per_period,
                                            value=tables.settings["target_months"], key=f"tm_{version}",
                                            help=t("help.target_months")),
        }
        a, b, _ = st.columns(3)
        settings["stability_weight"] = a.number_input(t("col.stability_weight"), min_value=0.0, step=0.05,
                                                      value=tables.settings["stability_weight"], format="%.2f",
                                                      key=f"sw_{version}", help=t("help.stability_weight"))
        objectives = {k: t(f"objective.{k}") for k in se.OBJECTIVES}
        settings["objective"] = b.selectbox(t("col.objective_kind"), list(objectives), format_func=objectives.get,
                                            index=list(objectives).index(tables.settings["objective"]),
                                            key=f"obj_{version}", help=t("help.objective"))
        slots["settings"] = st.container()
        st.markdown(f"**{t('rules.spreading')}** · {t('rules.spreading_help')}")
        spreading = st.data_editor(tables.spreading, key=f"spreading_{version}",
                                   column_config=columns["spreading"], num_rows="dynamic",
                                   hide_index=True, width="stretch", placeholder=t("editor.all"))
        slots["spreading"] = st.container()
        st.markdown(f"**{t('rules.district_caps')}** · {t('rules.district_caps_help')}")
        caps = st.data_editor(tables.district_caps, key=f"caps_{version}",
                              column_config=columns["district_caps"], num_rows="dynamic",
                              hide_index=True, width="stretch", placeholder=t("editor.all"))
        slots["district_caps"] = st.container()
        st.markdown(f"**{t('rules.min_batch')}** · {t('rules.min_batch_help')}")
        batches = st.data_editor(tables.min_batch, key=f"batch_{version}", column_config=columns["min_batch"],
                                 num_rows="dynamic", hide_index=True, width="stretch")
        slots["min_batch"] = st.container()
    with tabs[4]:
        settings["name"] = st.text_input(t("col.name"), value=tables.settings["name"], key=f"name_{version}")
        labels = {}
        for kind, column in zip(se.ENTITY_KINDS, st.columns(len(se.ENTITY_KINDS))):
            with column:
                labels[kind] = st.data_editor(tables.names[kind], key=f"names_{kind}_{version}",
                                              column_config={"label": st.column_config.TextColumn(t(f"kind.{kind}"))},
                                              num_rows="fixed", width="stretch")
        slots["names"] = st.container()
    applied = st.form_submit_button(t("scenario.apply"), type="primary", icon=":material/check:")
    slots["scenario"] = st.container()

if applied:
    edited = se.ScenarioTables(settings=settings, names=labels, groups=groups, bounds=bounds, supply=supply,
                               spreading=spreading, district_caps=caps, min_batch=batches)
    result = se.scenario_from_tables(scenario, edited)
    if result.scenario is not None:
        app_state.set_scenario(result.scenario, app_state.source())
        app_state.notify(t("scenario.applied"))
    else:
        app_state.set_edit_problems(result.problems)
    st.rerun()

for table, slot in slots.items():
    mine = [p for p in problems if p.table == table]
    if mine:
        slot.error("\n".join(f"- {views.describe_problem(p, scenario)}" for p in mine),
                   icon=":material/error:")
if problems:
    slots["scenario"].error(t("scenario.not_applied", n=len(problems)), icon=":material/error:")

# ------------------------------------------------------------------------- downloads
st.subheader(t("scenario.download"))
files = app_state.scenario_files(scenario)
stem = se.file_stem(scenario)
MIME = {"yaml": "application/yaml", "json": "application/json",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
for column, (kind, mime) in zip(st.columns(3), MIME.items()):
    column.download_button(t(f"scenario.download_{kind}"), files[kind], file_name=f"{stem}.{kind}", mime=mime,
                           on_click="ignore", icon=":material/download:", width="stretch")
