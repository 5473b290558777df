"""Session state of the Streamlit app, and the caches of pure functions of a scenario.

Everything a user loads, edits or solves lives in `st.session_state` (one per browser tab), so
two sessions never see each other's data; caches hold only pure functions of a scenario's
text, which a session can only hit by having that same text. Nothing at module level holds
a scenario, a model or a solution.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import streamlit as st

from . import i18n
from .app_runs import Run
from .io import load_scenario, scenario_to_dict, scenario_yaml, write_scenario_workbook
from .scenario_edit import CellProblem, ScenarioTables, scenario_tables
from .schema import Scenario

SCENARIO_ENV = "QUOTA_OPT_SCENARIO"
"""Path of the scenario the app starts with (default: the Amsterdam 2020 demo)."""
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEMO = DATA_DIR / "amsterdam-2020.yaml"

# session keys
LANG = "lang"
SCENARIO = "scenario"
SOURCE = "scenario_source"
EDITOR_VERSION = "editor_version"
EDIT_PROBLEMS = "edit_problems"
UPLOAD_PROBLEMS = "upload_problems"
UPLOADED = "uploaded_file_id"
RUNS = "runs"
SELECTED_RUN = "selected_run"
COMPARED = "compared_runs"
NOTICE = "notice"
EXPORTS = "exports"
AUTHOR = "author"


# ------------------------------------------------------------------------ language


def language() -> str:
    lang = st.session_state.get(LANG)
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT


def t(key: str, **values) -> str:
    """The page text `key` in the session's language."""
    return i18n.t(key, language(), **values)


# ------------------------------------------------------------------------ scenario


def default_scenario_path() -> Path:
    return Path(os.environ.get(SCENARIO_ENV) or DEMO)


def example_scenarios() -> dict[str, Path]:
    """The scenarios shipped in data/, by file name."""
    return {p.name: p for p in sorted(DATA_DIR.glob("*.yaml"))}


def example_realisations(scenario_file: str) -> dict[str, Path]:
    """Realised allocations shipped in data/ for the example scenario `scenario_file`
    (amsterdam-2020.yaml -> amsterdam-2020-realised-*.csv), by file name."""
    stem = Path(scenario_file).stem
    return {p.name: p for p in sorted(DATA_DIR.glob(f"{stem}-realised-*.csv"))} if stem else {}


@st.cache_data(show_spinner=False, max_entries=16)
def _load_file(path: str, modified: float) -> Scenario:
    return load_scenario(path)


def load_file(path: str | Path) -> Scenario:
    """A scenario file, parsed once per version of the file (raises ScenarioError)."""
    path = Path(path)
    return _load_file(str(path.resolve()), path.stat().st_mtime if path.exists() else 0.0)


def init() -> None:
    """Start a session: the default scenario (the demo) loaded, no runs."""
    st.session_state.setdefault(LANG, i18n.DEFAULT)
    st.session_state.setdefault(RUNS, [])
    st.session_state.setdefault(EDITOR_VERSION, 0)
    st.session_state.setdefault(EXPORTS, {})
    if AUTHOR not in st.session_state:
        from .store import author_name  # noqa: PLC0415 - the store's imports only when a session starts

        st.session_state[AUTHOR] = author_name()
    if SCENARIO not in st.session_state:
        path = default_scenario_path()
        set_scenario(load_file(path), path.name)


def scenario() -> Scenario:
    return st.session_state[SCENARIO]


def source() -> str:
    return st.session_state.get(SOURCE, "")


def set_scenario(new: Scenario, source_name: str) -> None:
    """Make `new` the scenario the pages edit and solve; the editors start afresh on it."""
    st.session_state[SCENARIO] = new
    st.session_state[SOURCE] = source_name
    st.session_state[EDITOR_VERSION] = st.session_state.get(EDITOR_VERSION, 0) + 1
    st.session_state[EDIT_PROBLEMS] = []


def editor_version() -> int:
    return st.session_state.get(EDITOR_VERSION, 0)


def edit_problems() -> list[CellProblem]:
    return st.session_state.get(EDIT_PROBLEMS, [])


def set_edit_problems(problems: list[CellProblem]) -> None:
    st.session_state[EDIT_PROBLEMS] = problems


def notify(message: str) -> None:
    """A message for the next run of the page (after st.rerun)."""
    st.session_state[NOTICE] = message


def pop_notice() -> str | None:
    return st.session_state.pop(NOTICE, None)


def scenario_text(s: Scenario) -> str:
    """The cache key of a scenario: its JSON text."""
    return s.model_dump_json()


@st.cache_data(show_spinner=False, max_entries=32)
def _tables(text: str) -> ScenarioTables:
    return scenario_tables(Scenario.model_validate_json(text))


def tables(s: Scenario) -> ScenarioTables:
    """The editor's tables of a scenario (cached on its text)."""
    return _tables(scenario_text(s))


@st.cache_data(show_spinner=False, max_entries=32)
def _scenario_files(text: str) -> dict[str, bytes]:
    s = Scenario.model_validate_json(text)
    workbook = BytesIO()
    write_scenario_workbook(s, workbook)
    return {
        "yaml": scenario_yaml(s).encode(),
        "json": (json.dumps(scenario_to_dict(s), indent=2, ensure_ascii=False) + "\n").encode(),
        "xlsx": workbook.getvalue(),
    }


def scenario_files(s: Scenario) -> dict[str, bytes]:
    """The scenario as YAML, JSON and xlsx bytes, for downloads (cached on its text)."""
    return _scenario_files(scenario_text(s))


# ---------------------------------------------------------------------------- runs


def runs() -> list[Run]:
    return st.session_state.setdefault(RUNS, [])


def run_names() -> list[str]:
    return [r.name for r in runs()]


def add_run(run: Run, select: bool = True) -> None:
    st.session_state[RUNS] = [*runs(), run]
    if select:
        st.session_state[SELECTED_RUN] = run.id


def replace_run(run: Run) -> None:
    """Put `run` in place of the session's run with the same id (a revised run that gained its
    explanations); its downloads are made afresh."""
    st.session_state[RUNS] = [run if r.id == run.id else r for r in runs()]
    st.session_state.get(EXPORTS, {}).pop(run.id, None)


def remove_runs(ids: list[str]) -> None:
    st.session_state[RUNS] = [r for r in runs() if r.id not in ids]
    for run_id in ids:
        st.session_state.get(EXPORTS, {}).pop(run_id, None)


def run_by_id(run_id: str | None) -> Run | None:
    return next((r for r in runs() if r.id == run_id), None)


def default_run() -> Run | None:
    """The run a page shows first: the latest optimisation with a plan, else the latest run."""
    solved = [r for r in runs() if r.solution is not None and r.plan is not None]
    return solved[-1] if solved else (runs()[-1] if runs() else None)


def add_to_comparison(run: Run) -> None:
    """Tick a new run in the compare page's selection (set before that widget is drawn)."""
    chosen = st.session_state.get(COMPARED)
    if chosen is not None:
        st.session_state[COMPARED] = [*chosen, run.id]


def keep_known(key: str, ids: list[str], default: list[str]) -> None:
    """Before a multiselect of runs is drawn: drop the ids of removed runs from its state,
    or start it at `default`."""
    chosen = st.session_state.get(key)
    st.session_state[key] = default if chosen is None else [i for i in chosen if i in ids]


def latest_solution_for(s: Scenario):
    """The newest solve of exactly this scenario in the session, if any."""
    for run in reversed(runs()):
        if run.solution is not None and run.scenario == s:
            return run.solution
    return None


def export_bytes(run: Run, kind: str, make) -> bytes:
    """Download bytes of a run, made once per run and session (a download reruns the page)."""
    store = st.session_state.setdefault(EXPORTS, {}).setdefault(run.id, {})
    if kind not in store:
        store[kind] = make(run)
    return store[kind]


# --------------------------------------------------------------------------- the store


@st.cache_resource(show_spinner=False)
def _open_store(url: str):
    from .store import Store  # noqa: PLC0415

    return Store(url)  # a StoreError is not cached: the next call tries again


def store():
    """The store of QUOTA_OPT_DB (default: the user's SQLite file), opened and migrated once
    per URL and process and shared by the sessions (its SQLAlchemy engine is thread-safe).
    Raises StoreError."""
    from .store import database_url  # noqa: PLC0415

    return _open_store(database_url())


def author() -> str:
    """Who saves and adopts: the sidebar's name, else QUOTA_OPT_AUTHOR or the login name."""
    from .store import author_name  # noqa: PLC0415

    return str(st.session_state.get(AUTHOR) or "").strip() or author_name()


def store_run(run: Run, previous_run_id: int | None = None) -> Run:
    """Save a session run's solve in the store and keep its stored id on the session run. A
    store that cannot be opened or written costs a warning on the page, never the run, which
    the caller has already added to the session."""
    from .app_history import STORE_ERRORS, save_run  # noqa: PLC0415

    try:
        stored_id = save_run(store(), run, author(), previous_run_id)
    except STORE_ERRORS as error:
        st.warning(t("store.not_saved", error=str(error)), icon=":material/warning:")
        return run
    saved = replace(run, stored_id=stored_id)
    st.session_state[RUNS] = [saved if r.id == run.id else r for r in runs()]
    return saved


def store_tables(run: Run, tables: dict) -> None:
    """Add report tables computed after the solve (the explanations) to the run's stored
    record; a failure costs a warning."""
    from .app_history import STORE_ERRORS  # noqa: PLC0415

    if run.stored_id is None:
        return
    try:
        store().add_tables(run.stored_id, tables)
    except STORE_ERRORS as error:
        st.warning(t("store.not_saved", error=str(error)), icon=":material/warning:")


def stored_ids() -> dict[int, str]:
    """Stored id -> name of the session runs that are in the store."""
    return {r.stored_id: r.name for r in runs() if r.stored_id is not None}
