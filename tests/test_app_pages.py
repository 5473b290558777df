"""Each page of the Streamlit app through its main flow, with streamlit.testing's AppTest:
load, edit, solve, compare, export, the language switch, and two sessions side by side.

The app starts with the scenario named by QUOTA_OPT_SCENARIO; these tests use the tiny
worked example (spec §7), except the one that checks the demo is loaded by default."""

import dataclasses
from pathlib import Path

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from quota_opt import Status

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TINY = ROOT / "tests" / "scenarios" / "tiny.yaml"
TIMEOUT = 60

SCENARIO, SOLVE, COMPARE, EXPORT = ("app_pages/scenario.py", "app_pages/solve_results.py",
                                    "app_pages/compare.py", "app_pages/export.py")


def start(monkeypatch, scenario: Path = TINY) -> AppTest:
    monkeypatch.setenv("QUOTA_OPT_SCENARIO", str(scenario))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def press(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def edit(at: AppTest, table: str, edited_rows=None, added_rows=None) -> None:
    """Edits as the browser sends them for the editor `table` of the current form."""
    key = f"{table}_{at.session_state['editor_version']}"
    at.session_state[key] = {"edited_rows": edited_rows or {}, "added_rows": added_rows or [],
                             "deleted_rows": []}


def solve(at: AppTest) -> AppTest:
    page(at, SOLVE)
    at.button(key="solve_button").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """The whole programme's four KPI cards (the first row), by label."""
    return {metric.label: metric.value for metric in list(at.metric)[:4]}


# --------------------------------------------------------------------------- load


def test_the_demo_is_loaded_at_start(monkeypatch):
    monkeypatch.delenv("QUOTA_OPT_SCENARIO", raising=False)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Scenario"
    assert at.subheader[0].value == "Amsterdam PHKG 2020"
    assert at.session_state["scenario"].name == "Amsterdam PHKG 2020"
    facts = {m.label: m.value for m in at.metric}
    assert facts["Woningen aangeboden"] == "1.800"


def test_upload_a_scenario_file(monkeypatch, tmp_path):
    at = start(monkeypatch)
    other = yaml.safe_load(TINY.read_text())
    other["name"] = "Uploaded"
    at.file_uploader[0].set_value(("mine.yaml", yaml.safe_dump(other).encode(), "application/yaml")).run()
    assert not at.exception
    assert at.session_state["scenario"].name == "Uploaded"
    assert "mine.yaml" in at.success[0].value


def test_a_broken_upload_lists_every_problem_and_keeps_the_scenario(monkeypatch):
    at = start(monkeypatch)
    broken = TINY.read_text().replace("overdue_start: 4", "overdue_start: 40").replace("weight: 3", "weight: -3")
    at.file_uploader[0].set_value(("broken.yaml", broken.encode(), "application/yaml")).run()
    assert not at.exception
    assert "broken.yaml" in at.error[0].value
    problems = at.dataframe[0].value
    assert len(problems) == 2
    assert any("overdue_start" in field for field in problems.iloc[:, 0])
    assert at.session_state["scenario"].name == "tiny worked example"


def test_load_an_example(monkeypatch):
    at = start(monkeypatch)
    at.selectbox(key="scenario_example").set_value("amersfoort-2020.yaml")
    press(at, "Voorbeeld laden")
    assert at.session_state["scenario"].name != "tiny worked example"
    assert at.session_state["scenario_source"] == "amersfoort-2020.yaml"


# --------------------------------------------------------------------------- edit


def test_edit_a_weight_and_a_quota_then_download(monkeypatch):
    at = start(monkeypatch)
    edit(at, "groups", {0: {"weight": 5.0}, 1: {"quota": 6}})
    press(at, "Wijzigingen toepassen")
    scenario = at.session_state["scenario"]
    assert scenario.group("adults").weight == 5.0 and scenario.group("families").quota == 6
    assert "Wijzigingen toegepast" in at.success[0].value
    assert [b.label for b in at.download_button] == ["YAML", "JSON", "Excel"]


def test_invalid_edits_appear_next_to_their_table_and_change_nothing(monkeypatch):
    at = start(monkeypatch)
    edit(at, "groups", {0: {"overdue_start": 50}})
    edit(at, "supply", added_rows=[{"corporation": "c1", "Q1": 3}])
    press(at, "Wijzigingen toepassen")
    assert at.session_state["scenario"].group("adults").overdue_start == 4
    messages = [e.value for e in at.error]
    assert any("Groep Adults" in m and "Waarvan al te lang" in m and "(10)" in m for m in messages)
    assert any("Stadsdeel" in m and "is verplicht" in m for m in messages)
    assert any(m.startswith("Niet toegepast: 3") for m in messages)
    assert [tab.label for tab in at.tabs][:3] == ["Doelgroepen ⚠ 1", "Grenzen per periode", "Aanbod ⚠ 2"]
    # the edits are kept, so the user can repair them
    kept = at.session_state[f"groups_{at.session_state['editor_version']}"]
    assert kept["edited_rows"] == {0: {"overdue_start": 50}}
    edit(at, "groups", {0: {"overdue_start": 5}})
    edit(at, "supply", added_rows=[{"corporation": "c1", "district": "d1", "dwelling_type": "family", "Q1": 3}])
    press(at, "Wijzigingen toepassen")
    assert not at.error
    assert at.session_state["scenario"].group("adults").overdue_start == 5


def test_rules_are_edited_in_the_same_form(monkeypatch):
    at = start(monkeypatch)
    edit(at, "spreading", added_rows=[{"dimension": "district", "main_group": None, "tolerance": 0.5}])
    at.number_input(key=f"qw_{at.session_state['editor_version']}").set_value(2.0)
    press(at, "Wijzigingen toepassen")
    rules = at.session_state["scenario"].rules
    assert rules.quota_weight == 2.0
    assert [(r.dimension, r.main_group, r.tolerance) for r in rules.spreading] == [("district", None, 0.5)]


# -------------------------------------------------------------------------- solve


def test_solve_shows_the_kpis(monkeypatch):
    at = start(monkeypatch)
    solve(at)
    [run] = at.session_state["runs"]
    assert run.solution.status is Status.OPTIMAL
    assert run.solution.options.time_limit == 60
    assert "Optimaal plan" in at.success[0].value
    cards = metrics(at)
    assert cards["Gehuisvest"] == "23"
    assert set(cards) == {"Gehuisvest", "Binnen streeftermijn", "Huishoudmaanden te laat", "Wachtrij aan het eind"}
    assert len(at.metric) == 4 * (1 + 2)  # the programme and each main group
    allocation = at.dataframe[-1].value
    assert allocation["Woningen"].sum() == 23


def test_solve_uses_the_time_limit_and_gap_and_shows_the_log(monkeypatch):
    at = start(monkeypatch)
    page(at, SOLVE)
    at.number_input(key="solve_time_limit").set_value(7)
    at.number_input(key="solve_gap").set_value(1.0)
    at.toggle(key="solve_show_log").set_value(True)
    at.button(key="solve_button").click().run()
    solution = at.session_state["runs"][0].solution
    assert (solution.options.time_limit, solution.options.mip_gap) == (7, 0.01)
    # the log shown is the run's (with gap 1 % the LP dive's plan may already be proven: then
    # it holds the dive's lines and no branch and bound)
    assert solution.solver_log.strip() and any(c.value.strip() == solution.solver_log.strip() for c in at.code)


def test_a_re_solve_after_a_weight_change_shows_new_results(monkeypatch):
    at = start(monkeypatch)
    solve(at)
    page(at, SCENARIO)
    edit(at, "groups", {0: {"weight": 0.0}, 1: {"weight": 0.0}})
    press(at, "Wijzigingen toepassen")
    solve(at)
    first, second = at.session_state["runs"]
    assert first.objective == pytest.approx(13.27) and second.objective != pytest.approx(first.objective)
    assert at.selectbox(key="selected_run").value == second.id


def test_filters_narrow_the_allocation(monkeypatch):
    at = start(monkeypatch)
    solve(at)
    at.multiselect(key="filter_group").set_value(["families"]).run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert set(table["Doelgroep"]) == {"Families"} and table["Woningen"].sum() == 8


def test_the_best_plan_is_shown_when_the_time_limit_hits(monkeypatch):
    at = start(monkeypatch)
    solve(at)
    [run] = at.session_state["runs"]
    limited = dataclasses.replace(run.solution, status=Status.TIME_LIMIT, gap=0.05)
    at.session_state["runs"] = [dataclasses.replace(run, solution=limited)]
    at.run()
    assert not at.exception
    assert "Tijdslimiet van 60 s bereikt" in at.warning[0].value and "5,0 %" in at.warning[0].value
    assert metrics(at)["Gehuisvest"] == "23"


def test_an_infeasible_scenario_says_which_rule_gives_way(monkeypatch, tmp_path):
    raw = yaml.safe_load(TINY.read_text())
    raw["groups"][1]["min_housed"] = 20  # families can have at most 8 family dwellings... and arrivals
    path = tmp_path / "infeasible.yaml"
    path.write_text(yaml.safe_dump(raw))
    at = start(monkeypatch, path)
    solve(at)
    assert "Geen plan mogelijk" in at.error[0].value
    diagnosis = at.dataframe[0].value
    assert "min_housed" in " ".join(diagnosis.iloc[:, 0]) and diagnosis.iloc[0, 1] > 0
    assert not at.metric


# ------------------------------------------------------------------------ compare


def test_compare_the_optimised_plan_with_the_agreed_division_and_the_rule_of_thumb(monkeypatch):
    at = start(monkeypatch)
    solve(at)
    page(at, COMPARE)
    press(at, "Afgesproken verdeling toevoegen")
    press(at, "Vuistregel toevoegen")
    names = [r.name for r in at.session_state["runs"]]
    assert names == ["Optimalisatie 1", "Afgesproken verdeling", "Vuistregel"]
    assert at.multiselect(key="compared_runs").value == [r.id for r in at.session_state["runs"]]
    assert len(at.metric) == 3 * 4  # the four programme KPIs of each run, side by side
    per_main_group = at.dataframe[1].value
    assert list(per_main_group["Plan"].unique()) == names
    at.selectbox(key="compare_kpi").set_value("overdue_household_months").run()
    differences = at.dataframe[2].value
    assert list(differences.columns) == ["Doelgroep", *names, "Δ Afgesproken verdeling", "Δ Vuistregel"]
    assert [b.label for b in at.download_button] == ["Vergelijking downloaden (Excel)"]


def test_compare_asks_for_two_runs(monkeypatch):
    at = start(monkeypatch)
    page(at, COMPARE)
    assert "Nog geen berekeningen" in at.info[0].value
    press(at, "Vuistregel toevoegen")
    assert "Kies twee of meer" in at.info[0].value


# ------------------------------------------------------------------------- export


def test_export_offers_the_workbook_csv_and_summary(monkeypatch):
    at = start(monkeypatch)
    page(at, EXPORT)
    assert "los eerst op" in at.info[0].value
    solve(at)
    page(at, EXPORT)
    labels = [b.label for b in at.download_button]
    assert labels == ["Werkboek downloaden", "Toewijzing (CSV)", "Samenvatting (JSON)", "Scenario (YAML)"]
    [run] = at.session_state["runs"]
    made = at.session_state["exports"][run.id]
    assert made["xlsx"][:2] == b"PK" and made["csv"].startswith(b"group,dwelling_type")


# -------------------------------------------------------------- language, sessions


def test_english_on_request(monkeypatch):
    at = start(monkeypatch)
    at.radio(key="lang").set_value("en").run()
    assert at.title[0].value == "Scenario"
    assert [b.label for b in at.button][-1] == "Apply changes"
    solve(at)
    assert metrics(at)["Housed"] == "23"
    assert "Optimal plan" in at.success[0].value


def test_two_sessions_never_see_each_others_data(monkeypatch):
    one, two = start(monkeypatch), start(monkeypatch)
    edit(one, "groups", {0: {"weight": 9.0}})
    press(one, "Wijzigingen toepassen")
    solve(one)
    two.run()
    assert one.session_state["scenario"].group("adults").weight == 9.0
    assert two.session_state["scenario"].group("adults").weight == 2.0
    assert len(one.session_state["runs"]) == 1 and two.session_state["runs"] == []
