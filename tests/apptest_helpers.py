"""What the Streamlit AppTest tests share: the app, its pages, and starting, re-running and
switching pages with a check that no exception was shown."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
DEMO = ROOT / "data" / "amsterdam-2020.yaml"
TINY = ROOT / "tests" / "scenarios" / "tiny.yaml"
REALISED_Q2 = ROOT / "data" / "amsterdam-2020-realised-q2.csv"
TIMEOUT = 60

SCENARIO, SOLVE, MIDYEAR, COMPARE, EXPORT, HISTORY = (
    "app_pages/scenario.py", "app_pages/solve_results.py", "app_pages/midyear.py", "app_pages/compare.py",
    "app_pages/export.py", "app_pages/history.py")


def rerun(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def start(monkeypatch, scenario: Path = DEMO) -> AppTest:
    """The app on `scenario` (QUOTA_OPT_SCENARIO), run once."""
    monkeypatch.setenv("QUOTA_OPT_SCENARIO", str(scenario))
    return rerun(AppTest.from_file(APP, default_timeout=TIMEOUT))


def page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path)
    return rerun(at)


def table_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table on the page with all of `columns`."""
    for frame in at.dataframe:
        if set(columns) <= set(frame.value.columns):
            return frame.value
    raise AssertionError(f"no table with the columns {columns}: {[list(f.value.columns) for f in at.dataframe]}")


def metric(at: AppTest, label: str) -> str:
    """The value of the one metric with this label."""
    [value] = [m.value for m in at.metric if m.label == label]
    return value
