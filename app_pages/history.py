"""History: the runs saved in the store (every solve of the app and of `quota-opt`), to open
in this session, compare two of, and record which plan the steering group adopted."""

import streamlit as st

from quota_opt import app_history as ah
from quota_opt import app_state, i18n
from quota_opt import app_views as views
from quota_opt.app_state import language, t

ss = st.session_state
lang = language()

st.title(t("history.title"))
if notice := app_state.pop_notice():
    st.success(notice, icon=":material/check_circle:")
try:
    store = app_state.store()
    infos = store.runs()
except ah.STORE_ERRORS as error:
    st.warning(t("history.store_failed", error=str(error)), icon=":material/warning:")
    st.stop()
st.caption(t("history.intro", store=store.shown_url))
if not infos:
    st.info(t("history.no_runs"), icon=":material/info:")
    st.stop()

# ------------------------------------------------------------------------ the runs
names = ["", *ah.scenario_names(infos)]
if ss.get("history_scenario") not in names:
    ss["history_scenario"] = ""
wanted = st.selectbox(t("history.filter"), names, format_func=lambda n: n or t("history.all_scenarios"),
                      key="history_scenario")
shown = [i for i in infos if not wanted or i.scenario.name == wanted]
st.dataframe(ah.runs_table(shown, app_state.stored_ids(), lang), hide_index=True, width="stretch",
             height=views.table_height(len(shown), 420))
st.caption(t("history.count", n=len(shown)))
by_id = {i.id: i for i in shown}


def run_select(label: str, ids: list[int], key: str, default: int):
    if ss.get(key) not in ids:
        ss[key] = default
    return st.selectbox(label, ids, format_func=lambda i: ah.run_choice(by_id[i], lang), key=key)


# ------------------------------------------------------------------------ open a run
with st.container(border=True):
    st.subheader(t("history.open_title"))
    chosen = run_select(t("history.which"), list(by_id), "history_open", shown[0].id)
    info = by_id[chosen]
    try:
        record = store.run(chosen)
    except ah.STORE_ERRORS as error:
        st.error(t("history.open_failed", id=chosen, error=str(error)), icon=":material/error:")
        st.stop()
    st.markdown(t("history.facts", name=info.name, scenario=ah.scenario_title(info, lang),
                  kind=ah.kind_text(info.kind, lang), status=ah.status_text(info.status, lang),
                  started=ah.when(info.started_at), by=info.author))
    st.caption(t("history.options", limit=views.number(record.options.get("time_limit"), 0),
                 gap=i18n.format_percent(record.options.get("mip_gap"), app_state.language(), decimals=2)))
    if info.previous_run_id is not None:
        st.caption(t("history.revises", id=info.previous_run_id))
    for decision in info.adopted:
        st.caption(t("history.adopted_by", when=ah.when(decision.adopted_at), by=decision.adopted_by)
                   + f": {decision.note}")
    if (card := ah.kpi_card(record)) is not None:
        views.kpi_row(t("history.kpis") + f" · {t('results.objective')} {views.objective(info.objective)}",
                      card, None)
    else:
        st.info(t("history.no_plan", status=ah.status_text(info.status, lang)), icon=":material/info:")
    left, right = st.columns(2)
    if left.button(t("history.open_button"), key="history_open_button", icon=":material/open_in_browser:",
                   disabled=info.status not in ah.HAS_PLAN, help=t("history.open_help"), width="stretch"):
        existing = next((r for r in app_state.runs() if r.stored_id == chosen), None)
        if existing is not None:
            ss[app_state.SELECTED_RUN] = existing.id
            app_state.notify(t("history.already_open", id=chosen, name=existing.name))
            st.rerun()
        try:
            with st.spinner(t("history.opening")):
                run = ah.open_run(store, chosen, app_state.run_names(), lang)
        except ah.STORE_ERRORS as error:
            st.error(t("history.open_failed", id=chosen, error=str(error)), icon=":material/error:")
        else:
            app_state.add_run(run)
            app_state.add_to_comparison(run)
            app_state.notify(t("history.opened", id=chosen, name=run.name))
            st.rerun()
    if right.button(t("history.scenario_button"), key="history_scenario_button", icon=":material/edit_note:",
                    width="stretch"):
        try:
            scenario = store.scenario(info.scenario.id)
        except ah.STORE_ERRORS as error:
            st.error(t("history.open_failed", id=chosen, error=str(error)), icon=":material/error:")
        else:
            app_state.set_scenario(scenario, t("history.scenario_source", version=info.scenario.id))
            app_state.notify(t("history.scenario_loaded", name=scenario.name, version=info.scenario.id))
            st.rerun()

# --------------------------------------------------------------------- compare two runs
with st.container(border=True):
    st.subheader(t("history.compare_title"))
    with_plan = [i.id for i in ah.adoptable(shown)]
    if len(with_plan) < 2:
        st.info(t("history.need_two"), icon=":material/info:")
    else:
        a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
        with a:
            first = run_select(t("history.compare_a"), with_plan, "history_compare_a", with_plan[1])
        with b:
            second = run_select(t("history.compare_b"), with_plan, "history_compare_b", with_plan[0])
        try:
            records = store.run(first), store.run(second)
            scenarios = [store.scenario(r.info.scenario.id) for r in records]
        except ah.STORE_ERRORS as error:
            st.error(t("history.open_failed", id=f"{first}, {second}", error=str(error)), icon=":material/error:")
        else:
            per_group, per_type, moved = ah.comparison(*records, *scenarios, lang)
            c.metric(t("history.moved"), views.number(moved), help=t("history.moved_help"))
            versions = [r.info.scenario.id for r in records]
            st.caption(t("history.same_version") if versions[0] == versions[1]
                       else t("history.other_versions", a=versions[0], b=versions[1]))
            st.markdown(f"**{t('history.per_group')}**")
            st.dataframe(per_group, hide_index=True, width="stretch")
            with st.expander(t("history.per_type")):
                st.dataframe(per_type, hide_index=True, width="stretch")

# -------------------------------------------------------------------------- adopt a plan
with st.container(border=True):
    st.subheader(t("history.adopt_title"))
    st.caption(t("history.adopt_help"))
    candidates = [i.id for i in ah.adoptable(shown)]
    if not candidates:
        st.info(t("history.no_adoptable"), icon=":material/info:")
    else:
        adopted_run = run_select(t("history.which"), candidates, "history_adopt_run",
                                 chosen if chosen in candidates else candidates[0])
        ss.setdefault("history_adopt_by", app_state.author())
        by = st.text_input(t("history.adopt_by"), key="history_adopt_by")
        round_ = ss.setdefault("history_adopt_round", 0)  # a new note field after each decision
        note = st.text_area(t("history.adopt_note"), key=f"history_adopt_note_{round_}", height=80,
                            help=t("history.adopt_note_help"))
        if st.button(t("history.adopt_button"), type="primary", icon=":material/gavel:", key="history_adopt_button"):
            if problem := ah.adopt_problem(note, by):
                st.error(t(problem), icon=":material/error:")
            else:
                try:
                    decision = store.adopt(adopted_run, note, by.strip())
                except ah.STORE_ERRORS as error:
                    st.error(t("history.adopt_failed", error=str(error)), icon=":material/error:")
                else:
                    ss["history_adopt_round"] = round_ + 1
                    app_state.notify(t("history.adopted", id=decision.run_id, by=decision.adopted_by,
                                       decision=decision.id))
                    st.rerun()
    st.markdown(f"**{t('history.decisions')}**")
    decisions = ah.decisions_table(shown, lang)
    if decisions.empty:
        st.caption(t("history.no_decisions"))
    else:
        st.dataframe(decisions, hide_index=True, width="stretch")
