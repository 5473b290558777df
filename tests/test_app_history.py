"""The app and the store (issue 6) with streamlit.testing's AppTest: every solve of the Solve
page and every re-solve of the Mid-year page is saved, the History page lists the stored runs,
opens one in another session (where Results, Compare and Export show it), compares two and
records a decision; a store that cannot be reached costs a warning, never the run.

tests/conftest.py points QUOTA_OPT_DB at a store of the test session (QUOTA_OPT_AUTHOR
'pytest'); other tests save runs there too, so these tests find their runs by the ids the
session runs carry. The demo's optimum with gap 0 is 5246 (README, tests/test_app_midyear.py)."""


import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from quota_opt import Status, load_scenario
from quota_opt.app_runs import RunKind
from quota_opt.store import Store

try:
    from .apptest_helpers import COMPARE, DEMO, EXPORT, HISTORY, MIDYEAR, REALISED_Q2, SCENARIO, SOLVE, TINY, metric, page, rerun, start, table_with
except ImportError:  # tests/ on sys.path rather than a package
    from apptest_helpers import COMPARE, DEMO, EXPORT, HISTORY, MIDYEAR, REALISED_Q2, SCENARIO, SOLVE, TINY, metric, page, rerun, start, table_with

DEMO_OPTIMUM = 5246.0
KEYS = ["group", "dwelling_type", "corporation", "district", "period"]

def solve_exactly(at: AppTest) -> AppTest:
    page(at, SOLVE)
    at.number_input(key="solve_gap").set_value(0.0)
    at.button(key="solve_button").click()
    return rerun(at)


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return rerun(at)


def cells(allocation: pd.DataFrame) -> pd.Series:
    frame = allocation[allocation.dwellings > 0]
    return frame.groupby(KEYS).dwellings.sum().astype(int).sort_index()


# ------------------------------------------------------------------------ saving


def test_a_solve_on_the_solve_page_is_saved_in_the_store(monkeypatch):
    at = solve_exactly(start(monkeypatch))
    [run] = at.session_state["runs"]
    assert run.solution.status is Status.OPTIMAL and run.objective == pytest.approx(DEMO_OPTIMUM)
    assert not at.warning
    assert run.stored_id is not None

    record = Store().run(run.stored_id)
    info = record.info
    assert (info.name, info.kind, info.status, info.author) == (run.name, "app", "optimal", "pytest")
    assert info.objective == pytest.approx(DEMO_OPTIMUM) and info.dwellings == 1800
    assert info.scenario.name == "Amsterdam PHKG 2020"
    assert Store().scenario(info.scenario.id) == load_scenario(DEMO) == run.scenario
    assert record.options["mip_gap"] == 0 and record.options["time_limit"] == 60
    assert cells(record.allocation).equals(cells(run.plan.allocation))
    assert record.summary["total"]["housed_total"] == 1800
    assert record.summary["total"]["overdue_household_months"] == pytest.approx(4014)
    assert record.solver_log == run.solution.solver_log != ""

    # the name in the sidebar is the author of the next run
    at.text_input(key="author").set_value("Anna de Vries")
    click(at, "solve_button")
    second = at.session_state["runs"][-1]
    assert second.stored_id > run.stored_id
    assert Store().run(second.stored_id).info.author == "Anna de Vries"
    assert Store().run(second.stored_id).info.scenario.id == info.scenario.id  # the same version, once


def test_a_mid_year_re_solve_is_saved_with_what_changed(monkeypatch):
    at = solve_exactly(start(monkeypatch))
    page(at, MIDYEAR)
    click(at, f"midyear_example_{REALISED_Q2.name}")
    at.number_input(key="midyear_gap").set_value(0.0)
    click(at, "midyear_button")
    previous, revised = at.session_state["runs"]
    assert revised.kind is RunKind.REVISED and revised.solution.status is Status.OPTIMAL
    assert revised.stored_id is not None and not at.warning

    record = Store().run(revised.stored_id)
    assert (record.info.kind, record.info.status, record.info.previous_run_id) == (
        "resolve", "optimal", previous.stored_id)
    assert record.info.objective == pytest.approx(revised.objective)
    assert record.summary["dwellings_moved"] == revised.revision.moved
    stored_changes = record.tables["What changed"]
    assert list(stored_changes.columns) == list(revised.revision.changes.columns)
    assert stored_changes.change.sum() == pytest.approx(revised.revision.changes.change.sum())
    assert len(stored_changes) == len(revised.revision.changes)
    assert Store().scenario(record.info.scenario.id).realised.fixed_through == "Q2"

    # opened in another session, it is a revised run again, on the Mid-year page too
    other = page(start(monkeypatch), HISTORY)
    at_history(other, revised.stored_id)
    click(other, "history_open_button")
    [opened] = other.session_state["runs"]
    assert opened.kind is RunKind.REVISED and opened.stored_id == revised.stored_id
    assert opened.objective == pytest.approx(revised.objective)
    assert opened.revision.moved == revised.revision.moved
    assert opened.revision.previous_name == f"#{previous.stored_id} {previous.name}"
    assert opened.revision.previous.objective == pytest.approx(previous.objective)
    pd.testing.assert_frame_equal(opened.revision.changes.reset_index(drop=True),
                                  revised.revision.changes.reset_index(drop=True))
    page(other, MIDYEAR)
    assert other.selectbox(key="midyear_result").value == opened.id


def at_history(at: AppTest, run_id: int) -> AppTest:
    """Choose stored run `run_id` in the History page's open section."""
    at.selectbox(key="history_open").set_value(run_id)
    return rerun(at)


# ------------------------------------------------------------------------ history


def test_history_lists_the_run_and_opens_it_in_another_session(monkeypatch):
    at = solve_exactly(start(monkeypatch))
    [run] = at.session_state["runs"]
    page(at, HISTORY)
    assert at.title[0].value == "Geschiedenis"
    table = table_with(at, "Nr.", "Naam", "Scenario (versie)", "Soort", "Status", "Doelfunctie", "Gestart", "Door",
                       "Vastgesteld", "In deze sessie")
    [row] = table[table["Nr."] == run.stored_id].to_dict("records")
    version = Store().run(run.stored_id).info.scenario.id
    assert row["Naam"] == run.name and row["In deze sessie"] == run.name
    assert (row["Scenario (versie)"], row["Soort"], row["Status"], row["Door"]) == (
        f"Amsterdam PHKG 2020 v{version}", "app", "optimaal", "pytest")
    assert row["Doelfunctie"] == pytest.approx(DEMO_OPTIMUM) and row["Vastgesteld"] == ""

    # the filter by scenario name
    at.selectbox(key="history_scenario").set_value("Amsterdam PHKG 2020")
    rerun(at)
    filtered = table_with(at, "Scenario (versie)")
    assert set(filtered["Scenario (versie)"].str.startswith("Amsterdam PHKG 2020 v")) == {True}
    assert run.stored_id in set(filtered["Nr."])
    assert len(filtered) == len(Store().runs(scenario_name="Amsterdam PHKG 2020"))

    # the stored KPIs of the chosen run
    at_history(at, run.stored_id)
    assert metric(at, "Gehuisvest") == "1.800" and metric(at, "Binnen streeftermijn") == "74,3 %"
    assert metric(at, "Huishoudmaanden te laat") == "4.014"
    click(at, "history_open_button")  # already in this session: selected, not added twice
    assert len(at.session_state["runs"]) == 1
    assert any(f"#{run.stored_id} staat al in deze sessie" in s.value for s in at.success)

    # another session (another browser) opens it: the same plan, judged afresh
    other = page(start(monkeypatch, TINY), HISTORY)
    at_history(other, run.stored_id)
    click(other, "history_open_button")
    [opened] = other.session_state["runs"]
    assert opened.name == f"#{run.stored_id} {run.name}" and opened.stored_id == run.stored_id
    assert opened.kind is RunKind.OPTIMISED and opened.solution.status is Status.OPTIMAL
    assert opened.objective == pytest.approx(DEMO_OPTIMUM) == opened.solution.objective
    assert opened.scenario == run.scenario
    assert cells(opened.plan.allocation).equals(cells(run.plan.allocation))
    assert opened.solution.rule_of_thumb.objective == pytest.approx(run.solution.rule_of_thumb.objective)
    assert any(f"#{run.stored_id} geopend" in s.value for s in other.success)
    assert "tiny" in other.session_state["scenario"].name  # opening a run leaves the scenario alone

    page(other, SOLVE)
    assert other.selectbox(key="selected_run").value == opened.id
    assert [m.value for m in list(other.metric)[:4]] == ["1.800", "74,3 %", "4.014", "1.088"]
    page(other, EXPORT)
    assert {"Werkboek downloaden", "Toewijzing (CSV)"} <= {b.label for b in other.download_button}
    page(other, COMPARE)

    # its scenario version as the scenario to edit
    page(other, HISTORY)
    at_history(other, run.stored_id)
    click(other, "history_scenario_button")
    assert other.session_state["scenario"] == run.scenario
    assert other.session_state["scenario_source"] == f"opslag, versie {version}"


def test_compare_two_stored_runs(monkeypatch):
    """The tiny example solved, then solved again with two weights at 0: the History page's
    KPIs per group are the session runs' own, and the dwellings moved are half the sum of the
    differences over all cells of the two allocations."""
    at = solve_exactly(start(monkeypatch, TINY))
    page(at, SCENARIO)
    key = f"groups_{at.session_state['editor_version']}"
    at.session_state[key] = {"edited_rows": {0: {"weight": 0.0}, 1: {"weight": 0.0}}, "added_rows": [],
                             "deleted_rows": []}
    [apply] = [b for b in at.button if b.label == "Wijzigingen toepassen"]
    apply.click()
    rerun(at)
    solve_exactly(at)
    first, second = at.session_state["runs"]
    assert first.objective == pytest.approx(13.27) and second.objective != pytest.approx(first.objective)

    page(at, HISTORY)
    at.selectbox(key="history_compare_a").set_value(first.stored_id)
    at.selectbox(key="history_compare_b").set_value(second.stored_id)
    rerun(at)
    a, b = cells(first.plan.allocation), cells(second.plan.allocation)
    both = pd.concat([a.rename("a"), b.rename("b")], axis=1).fillna(0)
    moved = round((both.a - both.b).abs().sum() / 2)
    assert moved > 0
    assert metric(at, "Woningen verschoven") == str(moved)
    assert "verschillende scenarioversies" in " ".join(c.value for c in at.caption)

    ia, ib = first.stored_id, second.stored_id
    table = table_with(at, "Doelgroep", f"Gehuisvest #{ia}", f"Gehuisvest #{ib}", "Δ Gehuisvest")
    names = {g.id: g.name for g in first.scenario.groups}
    assert list(table["Doelgroep"]) == [names[g.id] for g in second.scenario.groups]
    for run, run_id in ((first, ia), (second, ib)):
        kpis = run.plan.kpis.groups.set_index("group")
        assert list(table[f"Gehuisvest #{run_id}"]) == [kpis.housed_total[g] for g in names]
        assert list(table[f"Huishoudmaanden te lang gewacht #{run_id}"]) == pytest.approx(
            [kpis.overdue_household_months[g] for g in names])
    assert list(table["Δ Gehuisvest"]) == list(table[f"Gehuisvest #{ib}"] - table[f"Gehuisvest #{ia}"])

    per_type = table_with(at, "Woningtype", "Periode", f"Woningen #{ia}", f"Woningen #{ib}")
    assert per_type[f"Woningen #{ia}"].sum() == first.plan.allocation.dwellings.sum()
    assert per_type[f"Woningen #{ib}"].sum() == second.plan.allocation.dwellings.sum()


def test_adopt_a_run_with_a_note(monkeypatch):
    at = solve_exactly(start(monkeypatch))
    [run] = at.session_state["runs"]
    page(at, HISTORY)
    at.selectbox(key="history_adopt_run").set_value(run.stored_id)
    rerun(at)
    assert at.text_input(key="history_adopt_by").value == "pytest"

    # no note: refused, nothing recorded
    click(at, "history_adopt_button")
    assert [e.value for e in at.error] == ["Een toelichting is verplicht: wat is besloten, in welk overleg."]
    assert Store().decisions(run.stored_id) == []
    # a note of spaces and no name: refused too
    at.text_area(key="history_adopt_note_0").set_value("   ")
    at.text_input(key="history_adopt_by").set_value(" ")
    click(at, "history_adopt_button")
    assert [e.value for e in at.error] == ["Vul in wie het besluit vastlegt."]
    assert Store().decisions(run.stored_id) == []

    at.text_input(key="history_adopt_by").set_value("Stuurgroep PHKG")
    at.text_area(key="history_adopt_note_0").set_value("Vastgesteld in de stuurgroep van 12 maart")
    click(at, "history_adopt_button")
    [decision] = Store().decisions(run.stored_id)
    assert (decision.adopted_by, decision.note) == ("Stuurgroep PHKG", "Vastgesteld in de stuurgroep van 12 maart")
    assert any(f"Berekening #{run.stored_id} vastgesteld door Stuurgroep PHKG (besluit {decision.id})" in s.value
               for s in at.success)
    assert Store().run(run.stored_id).info.adopted == [decision]

    # the run is marked adopted, the decision listed, and the note field is empty again
    runs = table_with(at, "Nr.", "Vastgesteld")
    [mark] = runs.loc[runs["Nr."] == run.stored_id, "Vastgesteld"]
    assert mark.startswith("✔ ") and mark.endswith(" door Stuurgroep PHKG")
    decisions = table_with(at, "Besluit", "Toelichting")
    [row] = decisions[decisions["Besluit"] == decision.id].to_dict("records")
    assert (row["Nr."], row["Vastgesteld door"], row["Toelichting"]) == (
        run.stored_id, "Stuurgroep PHKG", "Vastgesteld in de stuurgroep van 12 maart")
    assert at.text_area(key="history_adopt_note_1").value == ""


def test_history_in_english(monkeypatch):
    at = solve_exactly(start(monkeypatch, TINY))
    [run] = at.session_state["runs"]
    at.radio(key="lang").set_value("en")
    page(at, HISTORY)
    assert at.title[0].value == "History"
    table = table_with(at, "No.", "Name", "Scenario (version)", "Kind", "Status", "Adopted", "In this session")
    [row] = table[table["No."] == run.stored_id].to_dict("records")
    assert (row["Status"], row["In this session"]) == ("optimal", run.name)
    assert [b.label for b in at.button if b.key == "history_adopt_button"] == ["Adopt"]


# ------------------------------------------------------------------ no store


def test_a_store_that_cannot_be_opened_warns_and_keeps_the_run(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the store's folder should be\n")
    monkeypatch.setenv("QUOTA_OPT_DB", str(blocker / "store.sqlite"))
    at = solve_exactly(start(monkeypatch))
    [run] = at.session_state["runs"]
    assert run.solution.status is Status.OPTIMAL and run.objective == pytest.approx(DEMO_OPTIMUM)
    assert run.stored_id is None
    [warning] = [w.value for w in at.warning]
    assert warning.startswith("Deze berekening staat in de sessie, maar is niet in de opslag bewaard:")
    assert "not-a-folder" in warning
    assert [m.value for m in list(at.metric)[:4]] == ["1.800", "74,3 %", "4.014", "1.088"]  # results as ever

    rerun(at)  # the warning was about that solve; it is not repeated
    assert not at.warning
    page(at, HISTORY)
    assert at.warning[0].value.startswith("De opslag kan niet worden geopend:")
    page(at, EXPORT)
    assert "Werkboek downloaden" in [b.label for b in at.download_button]  # the run is there to take away


def test_a_stored_run_compared_with_itself_moves_nothing(monkeypatch):
    """Both select boxes on the same run: no error, nothing moved, no change per group."""
    at = solve_exactly(start(monkeypatch, TINY))
    solve_exactly(at)
    first = at.session_state["runs"][0]
    page(at, HISTORY)
    at.selectbox(key="history_compare_a").set_value(first.stored_id)
    at.selectbox(key="history_compare_b").set_value(first.stored_id)
    rerun(at)
    assert metric(at, "Woningen verschoven") == "0"
    table = table_with(at, "Doelgroep", f"Gehuisvest #{first.stored_id}", "Δ Gehuisvest")
    assert (table["Δ Gehuisvest"] == 0).all()
    per_type = table_with(at, "Woningtype", f"Woningen #{first.stored_id}")
    assert per_type[f"Woningen #{first.stored_id}"].sum() == first.plan.allocation.dwellings.sum()
