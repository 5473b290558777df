"""The Mid-year page (app_pages/midyear.py) with streamlit.testing's AppTest, and the functions
of quota_opt.app_midyear it calls.

The page tests use the demo (data/amsterdam-2020.yaml, four quarters, 1,800 dwellings, all of
them used), solved with gap 0 on the Solve page, then re-solved with gap 0 on the Mid-year
page, so that the numbers are optima and can be cross-checked against the engine
(quota_opt.midyear.resolve_scenario, the merge `quota-opt resolve` does from files).

The unit tests use the tiny worked example and the realised Q1 of tests/test_resolve_cli.py,
whose re-solves are worked out by hand there: commit lag 0 gives 30.89 (the 8th studio of Q2
goes to adults, one contingent changes by one dwelling: half a dwelling moved), commit lag 1
keeps Q2 as planned and gives 36.3."""

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from quota_opt import ScenarioError, SolveOptions, Status, load_scenario, solve_scenario
from quota_opt import app_midyear as am
from quota_opt.app_runs import RunKind
from quota_opt.explain import explain
from quota_opt.midyear import ALLOCATION_COLUMNS
from quota_opt.midyear import resolve_scenario as resolve_from_files

try:
    from .apptest_helpers import DEMO, MIDYEAR, REALISED_Q2, SOLVE, TINY, metric, page, rerun, start, table_with
except ImportError:  # tests/ on sys.path rather than a package
    from apptest_helpers import DEMO, MIDYEAR, REALISED_Q2, SOLVE, TINY, metric, page, rerun, start, table_with

EXACT = SolveOptions(mip_gap=0, time_limit=60)

# tests/test_resolve_cli.py's realised Q1: adults 6 studios (the plan has 8), families 4 family
# dwellings and 1 studio (ineligible for them: a fact all the same)
TINY_REALISED = [dict(zip(ALLOCATION_COLUMNS, r)) for r in [
    ["adults", "studio", "c1", "d1", "Q1", 2], ["adults", "studio", "c1", "d2", "Q1", 2],
    ["adults", "studio", "c2", "d1", "Q1", 2], ["families", "studio", "c2", "d2", "Q1", 1],
    ["families", "family", "c1", "d1", "Q1", 2], ["families", "family", "c2", "d2", "Q1", 2]]]

MOVED = "Woningen verschoven"


# ------------------------------------------------------------------------ helpers


def solve_exactly(at: AppTest) -> AppTest:
    """Solve the scenario on the Solve page with gap 0, then open the Mid-year page."""
    page(at, SOLVE)
    at.number_input(key="solve_gap").set_value(0.0)
    at.button(key="solve_button").click()
    rerun(at)
    [run] = at.session_state["runs"]
    assert run.solution.status is Status.OPTIMAL
    return page(at, MIDYEAR)


def resolve(at: AppTest, commit_lag: int) -> AppTest:
    at.number_input(key="midyear_commit_lag").set_value(commit_lag)
    at.number_input(key="midyear_gap").set_value(0.0)
    at.button(key="midyear_button").click()
    return rerun(at)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="midyear_realised_upload").set_value((name, content, "text/csv"))
    return rerun(at)


def csv_bytes(rows: list[list], header=ALLOCATION_COLUMNS) -> bytes:
    return "\n".join(",".join(map(str, r)) for r in [header, *rows]).encode() + b"\n"


def write_plan(path: Path, allocation: pd.DataFrame) -> Path:
    allocation[ALLOCATION_COLUMNS].to_csv(path, index=False)
    return path


def per(frame: pd.DataFrame, key: str, period: str) -> dict[str, int]:
    """Dwellings per `key` in `period` of an allocation frame (ids)."""
    rows = frame[frame.period == period]
    return {k: int(n) for k, n in rows.groupby(key).dwellings.sum().items()}


# --------------------------------------------------------------- no previous plan


def test_without_a_solved_run_the_page_asks_for_a_previous_plan(monkeypatch):
    at = page(start(monkeypatch), MIDYEAR)
    assert at.title[0].value == "Halverwege het jaar"
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Nog geen plan in deze sessie") for c in captions)
    assert "Kies of upload eerst het vorige plan." in captions
    assert at.selectbox(key="midyear_previous").value == "__upload__"  # nothing else to choose
    assert at.button(key="midyear_button").disabled
    assert at.button(key="midyear_demo").disabled  # no plan to take as realised either
    # realisations alone are not enough: the re-solve needs the plan they are measured against
    upload(at, REALISED_Q2.name, REALISED_Q2.read_bytes())
    assert at.button(key="midyear_button").disabled
    assert "Kies of upload eerst het vorige plan." in [c.value for c in at.caption]
    assert at.info[-1].value.startswith("Nog geen herziene plannen")
    assert at.session_state["runs"] == []


# -------------------------------------------------------- the plan taken as realised


def test_the_plan_taken_as_realised_is_re_solved_to_itself(monkeypatch):
    """The previous plan is optimal (gap 0) and it is what happened in Q1 and Q2; Q3 is
    committed, Q4 re-planned. The previous plan is still feasible and optimal, and any other
    Q4 costs the stability weight: the revised plan is the previous one, nothing moves."""
    at = solve_exactly(start(monkeypatch))
    [previous] = at.session_state["runs"]
    assert previous.objective == pytest.approx(solve_scenario(load_scenario(DEMO), EXACT).objective)
    assert at.button(key="midyear_button").disabled  # nothing realised yet
    assert at.selectbox(key="midyear_fixed_through").value == "Q2"
    at.button(key="midyear_demo").click()
    rerun(at)
    supply = Counter()
    for row in previous.scenario.supply:
        supply[row.dwelling_type, row.period] += row.dwellings
    realised = sum(n for (_, p), n in supply.items() if p in ("Q1", "Q2"))
    assert realised == 864
    rows = len(am.rows_through(am.plan_rows(previous.plan.allocation), list(previous.scenario.periods), "Q2"))
    facts = f"Gerealiseerd: {rows} regels, 864 woningen, uit het vorige plan ({previous.name})"
    assert any(i.value.startswith(facts) for i in at.info), [i.value for i in at.info]

    resolve(at, commit_lag=1)
    runs = at.session_state["runs"]
    assert len(runs) == 2
    revised = runs[-1]
    assert revised.kind is RunKind.REVISED and revised.name == "Herzien na Q2"
    assert revised.solution.status is Status.OPTIMAL
    assert any("Optimaal plan" in s.value for s in at.success)
    assert revised.solution.scenario.realised.commit_lag == 1
    revision = revised.revision
    assert (revision.fixed_periods, revision.committed_periods, revision.free_periods) == (("Q1", "Q2"), ("Q3",),
                                                                                            ("Q4",))
    assert (f"Vorig plan: {previous.name} · gerealiseerd uit het vorige plan ({previous.name}): Q1, Q2 · "
            "toegezegd: Q3 · opnieuw gepland: Q4") in [c.value for c in at.caption]
    assert revised.objective == pytest.approx(previous.objective)
    assert revision.moved["dwellings_moved"] == 0 and metric(at, MOVED) == "0"

    # what changed, per group over the year
    year = table_with(at, "Gerealiseerd t/m Q2")
    assert list(year.columns) == ["Doelgroep", "Gepland", "Gerealiseerd t/m Q2", "Herzien",
                                  "Verschil (herzien − gepland)"]
    assert len(year) == len(previous.scenario.groups)
    assert year["Gepland"].sum() == year["Herzien"].sum() == 1800
    assert year["Gerealiseerd t/m Q2"].sum() == realised
    assert (year["Gepland"] == year["Herzien"]).all() and (year["Verschil (herzien − gepland)"] == 0).all()
    labels = {g.id: g.name for g in previous.scenario.groups}
    first_half = Counter(per(previous.plan.allocation, "group", "Q1")) + Counter(per(previous.plan.allocation,
                                                                                    "group", "Q2"))
    assert dict(zip(year["Doelgroep"], year["Gerealiseerd t/m Q2"])) == {labels[g]: first_half[g] for g in labels}

    # one realised period per group: what was realised is what the plan said
    at.selectbox(key="midyear_period").set_value("Q1")
    rerun(at)
    q1 = table_with(at, "Doelgroep", "Gerealiseerd")
    planned_q1 = per(previous.plan.allocation, "group", "Q1")
    assert dict(zip(q1["Doelgroep"], q1["Gerealiseerd"])) == {labels[g]: planned_q1.get(g, 0) for g in labels}
    assert (q1["Gerealiseerd"] == q1["Gepland"]).all()

    # a period still to plan, per dwelling type: nothing realised, and every dwelling offered is used
    at.selectbox(key="midyear_dimension").set_value("dwelling_type")
    at.selectbox(key="midyear_period").set_value("Q3")
    rerun(at)
    q3 = table_with(at, "Woningtype", "Herzien")
    types = {t.name: t.id for t in previous.scenario.dwelling_types}
    assert dict(zip(q3["Woningtype"], q3["Herzien"])) == {name: supply[i, "Q3"] for name, i in types.items()}
    assert q3["Gerealiseerd"].isna().all()
    assert q3["Herzien"].sum() == 450


def test_tiny_re_solve_hand_checked_on_the_page(monkeypatch):
    """tiny, Q1 as in TINY_REALISED, commit lag 0: objective 30.89 (module docstring);
    adults get the 8th studio of Q2 (planned 7), a single contingent change: 0,5 moved."""
    at = solve_exactly(start(monkeypatch, TINY))
    upload(at, "realised-q1.csv", csv_bytes([list(r.values()) for r in TINY_REALISED]))
    assert at.selectbox(key="midyear_fixed_through").value == "Q1"  # the only choice: Q2 is the last period
    resolve(at, commit_lag=0)
    revised = at.session_state["runs"][-1]
    assert revised.solution.status is Status.OPTIMAL
    assert revised.objective == pytest.approx(30.89, abs=1e-6)
    assert metric(at, MOVED) == "0,5"
    at.selectbox(key="midyear_period").set_value("Q2")
    rerun(at)
    q2 = table_with(at, "Doelgroep", "Herzien")
    assert q2[["Doelgroep", "Gepland", "Herzien", "Verschil (herzien − gepland)"]].values.tolist() == [
        ["Adults", 7, 8, 1], ["Families", 2, 2, 0]]


def test_an_uploaded_previous_plan_is_re_solved_as_the_engine_does(monkeypatch, tmp_path):
    """No run in the session: the previous plan comes as an allocation.csv (the engine's
    optimum), with the Q2 realisations; the revised plan is the one of `quota-opt resolve`."""
    at = page(start(monkeypatch), MIDYEAR)
    previous = solve_scenario(load_scenario(DEMO), EXACT)
    plan = write_plan(tmp_path / "allocation.csv", previous.allocation)
    at.file_uploader(key="midyear_previous_upload").set_value(("allocation.csv", plan.read_bytes(), "text/csv"))
    rerun(at)
    assert (f"Plan voor scenario Amsterdam PHKG 2020: {len(previous.allocation)} regels, 1.800 woningen."
            in [c.value for c in at.caption])
    upload(at, REALISED_Q2.name, REALISED_Q2.read_bytes())
    resolve(at, commit_lag=1)
    [revised] = at.session_state["runs"]
    assert revised.kind is RunKind.REVISED and revised.solution.status is Status.OPTIMAL
    assert revised.revision.previous_name == "allocation.csv"
    assert revised.revision.committed_periods == ("Q3",)
    engine = solve_scenario(resolve_from_files(DEMO, REALISED_Q2, "Q2", 1, previous_dir=plan), EXACT)
    assert revised.objective == pytest.approx(engine.objective, abs=1e-6)
    # the plan judged on its own scenario, for the KPIs' differences: its objective is the optimum
    assert revised.revision.previous.objective == pytest.approx(previous.objective, abs=1e-6)
    q3 = revised.plan.allocation.query("period == 'Q3'")
    assert per(q3, "group", "Q3") == per(previous.allocation, "group", "Q3")  # committed: as planned


# ---------------------------------------------------------------- a bad realised file


def test_a_file_without_a_column_is_not_read_and_says_which(monkeypatch):
    at = solve_exactly(start(monkeypatch))
    header = [c for c in ALLOCATION_COLUMNS if c != "district"]
    upload(at, "bad.csv", csv_bytes([["smu", "regular", "rochdale", "Q1", 1]], header))
    assert at.error[0].value == "bad.csv is niet gelezen: 1 probleem/problemen."
    problems = table_with(at, "Veld")
    assert list(problems.columns) == ["Veld", "Probleem", "Waarde"]
    assert problems["Veld"].tolist() == ["(header)"]
    assert problems["Probleem"][0].endswith("ontbreekt: district")
    assert "'period'" in problems["Waarde"][0] and "district" not in problems["Waarde"][0]
    assert "midyear_realised" not in at.session_state
    assert at.button(key="midyear_button").disabled


def test_bad_rows_are_listed_with_field_and_value_at_the_re_solve(monkeypatch):
    """A row of an unknown group and a row whose dwellings are text: the file is read (its
    columns are right), the re-solve lists both problems and makes no run. The text cell used
    to crash the page while it added up the realised dwellings."""
    at = solve_exactly(start(monkeypatch))
    upload(at, "realised.csv", csv_bytes([["ghost", "regular", "rochdale", "noord", "Q1", 1],
                                          ["smu", "regular", "rochdale", "noord", "Q1", "abc"]]))
    assert not at.error
    assert any(i.value.startswith("Gerealiseerd: 2 regels, 1 woningen, uit realised.csv") for i in at.info)
    assert at.selectbox(key="midyear_fixed_through").value == "Q1"  # the last period the file names
    resolve(at, commit_lag=0)
    assert at.error[0].value == "Niet opnieuw gepland: 2 probleem/problemen in het samengestelde scenario."
    problems = table_with(at, "Veld")
    found = dict(zip(problems["Veld"], problems["Waarde"]))
    assert found == {"realised.allocations[0].group": "ghost", "realised.allocations[1].dwellings": "abc"}
    assert len(at.session_state["runs"]) == 1  # the previous plan only


def test_an_unreadable_upload_is_named_by_its_own_name():
    with pytest.raises(ScenarioError) as caught:
        am.read_realised_upload("realised-q3.csv", b"\xff\xfe\x00 not a table")
    [problem] = caught.value.problems
    assert problem.field == "(file)" and problem.value == "realised-q3.csv"  # not the temporary file's name
    assert "realised-q3.csv" in str(caught.value)
    with pytest.raises(ScenarioError) as caught:
        am.read_realised_upload("realised.txt", b"group\n")
    assert caught.value.problems[0].message == "unknown file type; use .csv or .xlsx"


def test_dwelling_total_counts_only_numbers():
    rows = [{"dwellings": 3}, {"dwellings": 2.0}, {"dwellings": "abc"}, {"dwellings": None}, {"dwellings": True}]
    assert am.dwelling_total(rows) == 5
    assert am.dwelling_total([]) == 0


# ---------------------------------------------------------------- the Q2 realisations


def test_the_q2_realisations_file(monkeypatch, tmp_path):
    """data/amsterdam-2020-realised-q2.csv moves 'realised through' to Q2, both as the example
    button and as an upload; the re-solve (commit lag 0) reaches the optimum the engine finds
    from the same files, and keeps every realised row."""
    at = solve_exactly(start(monkeypatch))
    [previous] = at.session_state["runs"]
    file = pd.read_csv(REALISED_Q2)
    assert set(file.period) == {"Q1", "Q2"}

    at.selectbox(key="midyear_fixed_through").set_value("Q1")
    rerun(at)
    at.button(key=f"midyear_example_{REALISED_Q2.name}").click()
    rerun(at)
    assert at.selectbox(key="midyear_fixed_through").value == "Q2"

    at.selectbox(key="midyear_fixed_through").set_value("Q1")
    rerun(at)
    upload(at, REALISED_Q2.name, REALISED_Q2.read_bytes())
    assert not at.error
    assert at.selectbox(key="midyear_fixed_through").value == "Q2"
    total = int(file.dwellings.sum())
    dutch_total = f"{total:,}".replace(",", ".")  # 864 here; Dutch thousands would read 1.864
    facts = f"Gerealiseerd: {len(file)} regels, {dutch_total} woningen, uit {REALISED_Q2.name};"
    assert any(i.value.startswith(facts) for i in at.info), [i.value for i in at.info]

    resolve(at, commit_lag=0)
    revised = at.session_state["runs"][-1]
    assert revised.kind is RunKind.REVISED and revised.solution.status is Status.OPTIMAL
    assert revised.revision.realised_source == REALISED_Q2.name
    assert revised.revision.free_periods == ("Q3", "Q4")

    engine = solve_scenario(resolve_from_files(DEMO, REALISED_Q2, "Q2", 0,
                                               previous_dir=write_plan(tmp_path / "allocation.csv",
                                                                       previous.plan.allocation)), EXACT)
    assert engine.status is Status.OPTIMAL
    assert revised.objective == pytest.approx(engine.objective, abs=1e-6)

    alloc = revised.plan.allocation
    keys = ["group", "dwelling_type", "corporation", "district", "period"]
    kept = alloc[alloc.period.isin(["Q1", "Q2"])].groupby(keys).dwellings.sum()
    assert kept[kept > 0].to_dict() == file.groupby(keys).dwellings.sum().to_dict()
    year = table_with(at, "Gerealiseerd t/m Q2")
    assert year["Gerealiseerd t/m Q2"].sum() == total and year["Gepland"].sum() == 1800
    moved = revised.revision.moved["dwellings_moved"]
    assert metric(at, MOVED) == f"{moved:,.0f}".replace(",", ".")


# ----------------------------------------------------------------------- explanations


def test_the_explanation_says_what_one_more_dwelling_is_worth(monkeypatch):
    """Q1-Q3 fixed, Q4 re-planned: one more dwelling of any type in Q4, the last quarter, houses
    one more overdue household a quarter sooner: 3 household-months (months_per_period)."""
    at = solve_exactly(start(monkeypatch))
    at.button(key="midyear_demo").click()
    rerun(at)
    resolve(at, commit_lag=1)
    assert not at.button(key="midyear_explain").disabled
    assert "ongeveer 6 keer opnieuw" in " ".join(c.value for c in at.caption)  # 4 types in Q4, 2 district caps
    at.button(key="midyear_explain").click()
    rerun(at)
    run = at.session_state["runs"][-1]
    explanation = run.revision.explanation
    assert explanation is not None

    # the page's explanation is the engine's, and is stored with the run
    again = explain(run.solution, run.solution.options).marginal
    pd.testing.assert_frame_equal(explanation.marginal.drop(columns="sentence"), again.drop(columns="sentence"))
    from quota_opt.store import Store

    with Store() as store:
        stored = store.run(run.stored_id).tables
    assert {"What changed", "Marginal values", "Unmet demand"} <= set(stored)
    assert list(stored["Marginal values"].sentence) == list(explanation.marginal.sentence)
    more = explanation.marginal[explanation.marginal.kind == "one more dwelling"]
    assert sorted(more.subject) == sorted(t.name for t in run.scenario.dwelling_types)
    assert set(more.period) == {"Q4"} and (more.household_months_saved == 3).all()

    headers = [m.value for m in at.markdown]
    position = headers.index("**Wat een woning extra, of een regel ruimer, oplevert**")
    shown = headers[position + 1].split("\n")
    assert len(shown) == min(10, len(explanation.marginal))
    assert ("- Een extra woning van het type Family dwelling (4+ rooms, gezinswoning) in Q4 scheelt ongeveer 3 "
            "huishoudmaanden wachten boven de streeftermijn.") in shown
    # the district caps reported bind in the revised plan
    caps = explanation.marginal[explanation.marginal.subject.str.startswith("the district cap")]
    main_of = {g.id: g.main_group for g in run.scenario.groups}
    alloc = run.plan.allocation
    for cap in run.scenario.rules.district_caps:
        used = alloc[(alloc.district == cap.district) & (alloc.group.map(main_of) == cap.main_group)].dwellings.sum()
        subject = f"the district cap {cap.district} for {cap.main_group}"
        assert (subject in set(caps.subject)) == (used >= cap.max_dwellings)
    assert "the district cap zuidoost for with_support" in set(caps.subject)
    assert ("- Het maximum in stadsdeel Zuidoost voor Wonen met begeleiding (via Omslagroute) één woning ruimer "
            "maken scheelt geen huishoudmaanden wachten boven de streeftermijn.") in shown

    at.radio(key="lang").set_value("en")
    rerun(at)
    english = [m.value for m in at.markdown]
    listed = english[english.index("**What one more dwelling, or a looser rule, is worth**") + 1]
    assert ("- One more dwelling of type Regular 2-3 rooms in Q4 saves about 3 household-months of waiting beyond "
            "target.") in listed.split("\n")


# ------------------------------------------------------- app_midyear without a page


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(TINY)


@pytest.fixture(scope="module")
def tiny_previous(tiny):
    return solve_scenario(tiny, EXACT)


def test_plan_rows_and_the_plan_taken_as_realised(tiny_previous):
    rows = am.plan_rows(tiny_previous.allocation)
    assert sum(r["dwellings"] for r in rows) == 23
    assert all(list(r) == ALLOCATION_COLUMNS and isinstance(r["dwellings"], int) for r in rows)
    through_q1 = am.rows_through(rows, ["Q1", "Q2"], "Q1")
    assert {r["period"] for r in through_q1} == {"Q1"}
    assert sum(r["dwellings"] for r in through_q1) == 8 + 6  # 8 studios to adults, 6 family dwellings to families
    demo = am.Realisations(source="", from_plan=True)
    assert demo.rows(rows, ["Q1", "Q2"], "Q1") == through_q1
    uploaded = am.Realisations(source="f.csv", allocations=tuple(TINY_REALISED))
    assert uploaded.rows(rows, ["Q1", "Q2"], "Q1") == TINY_REALISED


def test_the_merge_is_the_one_of_quota_opt_resolve(tiny, tiny_previous, tmp_path):
    realised = tmp_path / "realised.csv"
    with realised.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, ALLOCATION_COLUMNS)
        writer.writeheader()
        writer.writerows(TINY_REALISED)
    plan = write_plan(tmp_path / "allocation.csv", tiny_previous.allocation)
    for lag in (0, 1):
        from_files = resolve_from_files(TINY, realised, "Q1", lag, previous_dir=plan)
        in_app = am.resolve_scenario(tiny, TINY_REALISED, "Q1", lag, am.plan_rows(tiny_previous.allocation))
        assert in_app.model_dump() == from_files.model_dump()


@pytest.mark.parametrize("lag, objective, moved, adults_q2", [(0, 30.89, 0.5, 8), (1, 36.3, 0.0, 7)])
def test_tiny_re_solves_hand_checked(tiny, tiny_previous, lag, objective, moved, adults_q2):
    merged = am.resolve_scenario(tiny, TINY_REALISED, "Q1", lag, am.plan_rows(tiny_previous.allocation))
    solution = solve_scenario(merged, EXACT)
    assert solution.objective == pytest.approx(objective, abs=1e-6)
    revision = am.revision(solution, "previous", tiny_previous.plan, "realised.csv")
    assert revision.fixed_periods == ("Q1",)
    expected = ((), ("Q2",)) if lag == 0 else (("Q2",), ())
    assert (revision.committed_periods, revision.free_periods) == expected
    assert revision.moved["dwellings_moved"] == moved
    q2 = am.change_table(revision.changes, merged, "group", "Q2")
    assert q2.realised.isna().all()  # Q2 was not realised
    assert q2.drop(columns="realised").to_dict("list") == {
        "label": ["Adults", "Families"], "planned": [7, 2], "revised": [adults_q2, 2], "change": [adults_q2 - 7, 0]}
    year = am.change_table(revision.changes, merged, "group")
    # realised Q1: adults 6 studios; families 4 family dwellings and 1 studio
    assert year.realised.tolist() == [6, 5] and year.planned.tolist() == [15, 8]
    assert year.revised.tolist() == [6 + adults_q2, 7]
    chart = am.planned_vs_revised(revision.changes, merged)
    assert chart.realised.tolist() == [6.0, 5.0]


def test_marginal_sentences_in_both_languages(tiny):
    rows = pd.DataFrame([
        {"kind": "one more dwelling", "subject": "Studio", "period": "Q2", "household_months_saved": 6.4},
        {"kind": "rule one dwelling looser", "subject": "the district cap d1 for with_support", "period": "Q2",
         "household_months_saved": -1.6},
        {"kind": "rule one dwelling looser", "subject": "the district cap d2 for all groups", "period": float("nan"),
         "household_months_saved": 0.2},
        {"kind": "rule one dwelling looser", "subject": "min_cumulative of group families by Q2", "period": "Q2",
         "household_months_saved": 3.0},
    ])
    assert am.marginal_sentences(rows, tiny, "en") == [
        "One more dwelling of type Studio in Q2 saves about 6 household-months of waiting beyond target.",
        ("Relaxing the district cap of D1 for With in Q2 by one dwelling adds about 2 household-months of waiting "
         "beyond target."),
        ("Relaxing the district cap of D2 for all groups by one dwelling saves no household-months of waiting "
         "beyond target."),
        ("Relaxing the minimum of Families by the end of Q2 by one dwelling saves about 3 household-months of "
         "waiting beyond target."),
    ]
    dutch = am.marginal_sentences(rows, tiny, "nl", limit=2)
    assert dutch == [
        "Een extra woning van het type Studio in Q2 scheelt ongeveer 6 huishoudmaanden wachten boven de streeftermijn.",
        ("Het maximum in stadsdeel D1 voor With in Q2 één woning ruimer maken kost ongeveer 2 huishoudmaanden "
         "extra wachten boven de streeftermijn."),
    ]
    assert am.rule_phrase("something the page does not know", None, tiny, "nl") == "something the page does not know"
