"""quota-opt in the browser: page setup, the language switch and the navigation.
Run with `scripts/app` (or `streamlit run app.py`); the pages live in app_pages/."""

import streamlit as st

from quota_opt import app_state
from quota_opt.app_state import t
from quota_opt.i18n import LANGUAGES

st.set_page_config(page_title="quota-opt", page_icon=":material/home_work:", layout="wide")
app_state.init()

with st.sidebar:
    st.radio(t("app.language"), list(LANGUAGES), format_func=LANGUAGES.get, key=app_state.LANG,
             horizontal=True)
    st.text_input(t("app.author"), key=app_state.AUTHOR, help=t("app.author_help"))

pages = [
    st.Page("app_pages/scenario.py", title=t("page.scenario"), icon=":material/edit_note:",
            url_path="scenario", default=True),
    st.Page("app_pages/solve_results.py", title=t("page.solve"), icon=":material/insights:",
            url_path="solve"),
    st.Page("app_pages/midyear.py", title=t("page.midyear"), icon=":material/update:", url_path="midyear"),
    st.Page("app_pages/compare.py", title=t("page.compare"), icon=":material/compare_arrows:",
            url_path="compare"),
    st.Page("app_pages/export.py", title=t("page.export"), icon=":material/download:",
            url_path="export"),
    st.Page("app_pages/history.py", title=t("page.history"), icon=":material/history:", url_path="history"),
]
page = st.navigation(pages)
page.run()

with st.sidebar:  # after the page, so that a load or a solve of this run is counted
    st.caption(t("app.current_scenario", name=app_state.scenario().name, source=app_state.source()))
    st.caption(t("app.runs_in_session", n=len(app_state.runs())))
