"""The scenario editor's tables (quota_opt.scenario_edit): scenario -> tables -> scenario is
the identity, edits land in the right field, and every validation problem is placed in the
table, row and column it concerns."""

from pathlib import Path

import pandas as pd
import pytest

from quota_opt import ScenarioError, load_scenario
from quota_opt import scenario_edit as se

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "scenarios" / "tiny.yaml"
DEMO = ROOT / "data" / "amsterdam-2020.yaml"


def supply_cells(scenario):
    cells = {}
    for row in scenario.supply:
        key = (row.corporation, row.district, row.dwelling_type, row.period)
        cells[key] = cells.get(key, 0) + row.dwellings
    return cells


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(TINY)


@pytest.fixture(scope="module")
def demo():
    return load_scenario(DEMO)


@pytest.mark.parametrize("path", [TINY, DEMO, ROOT / "data" / "amersfoort-2020.yaml"], ids=lambda p: p.stem)
def test_unedited_tables_give_back_the_same_scenario(path):
    scenario = load_scenario(path)
    result = se.scenario_from_tables(scenario, se.scenario_tables(scenario))
    assert result.problems == []
    back = result.scenario
    # the supply pivot regroups rows by cell; everything else is field for field the same
    assert supply_cells(back) == supply_cells(scenario)
    assert back.model_copy(update={"supply": []}) == scenario.model_copy(update={"supply": []})


def test_groups_table_reads_like_the_scenario(demo):
    tables = se.scenario_tables(demo)
    assert list(tables.groups.index) == [g.id for g in demo.groups]
    smu = tables.groups.loc["smu"]
    assert (smu.weight, smu.quota, smu.target_months, smu["inflow Q3"]) == (1.0, 220, 6, 120)
    assert smu.eligible_types == ["studio", "regular", "family"]
    assert pd.isna(tables.groups.loc["youth", "target_months"])  # blank: the scenario's target


def test_supply_pivot_has_a_column_per_period_and_the_same_total(demo):
    pivot = se.supply_pivot(demo)
    assert list(pivot.columns) == ["corporation", "district", "dwelling_type", *demo.periods]
    assert int(pivot[list(demo.periods)].to_numpy().sum()) == sum(r.dwellings for r in demo.supply) == 1800
    assert not pivot.duplicated(["corporation", "district", "dwelling_type"]).any()


def test_a_weight_and_a_quota_change_land_in_the_group(tiny):
    tables = se.scenario_tables(tiny)
    tables.groups.loc["adults", "weight"] = 4.5
    tables.groups.loc["families", "quota"] = 7
    result = se.scenario_from_tables(tiny, tables)
    assert result.problems == []
    assert result.scenario.group("adults").weight == 4.5
    assert result.scenario.group("families").quota == 7
    assert result.scenario.group("adults").quota == 12  # untouched


def test_blank_cells_mean_no_quota_no_override(tiny):
    tables = se.scenario_tables(tiny)
    tables.groups.loc["adults", "quota"] = pd.NA
    result = se.scenario_from_tables(tiny, tables)
    assert result.scenario.group("adults").quota is None


def test_supply_edits_add_and_remove_cells(tiny):
    tables = se.scenario_tables(tiny)
    pivot = tables.supply
    pivot.loc[0, "Q1"] = 5
    pivot.loc[1, "Q2"] = 0
    new = pd.DataFrame([{"corporation": "c2", "district": "d2", "dwelling_type": "studio", "Q1": 1, "Q2": None}])
    tables.supply = pd.concat([pivot, new], ignore_index=True)
    result = se.scenario_from_tables(tiny, tables)
    assert result.problems == []
    cells = supply_cells(result.scenario)
    first = tuple(pivot.loc[0, ["corporation", "district", "dwelling_type"]])
    second = tuple(pivot.loc[1, ["corporation", "district", "dwelling_type"]])
    assert cells[(*first, "Q1")] == 5
    assert (*second, "Q2") not in cells
    assert cells[("c2", "d2", "studio", "Q1")] == 2 + 1  # rows naming the same cell add up


def test_bounds_and_rules_round_trip(tiny):
    tables = se.scenario_tables(tiny)
    tables.bounds = pd.DataFrame([
        {"group": "adults", "bound": "min_housed_per_period", "period": "Q2", "dwellings": 3},
        {"group": "adults", "bound": "min_cumulative", "period": "Q2", "dwellings": 9},
        {"group": None, "bound": None, "period": None, "dwellings": None},  # an added row left empty
    ])
    tables.spreading = pd.DataFrame([{"dimension": "district", "main_group": None, "tolerance": 0.5}])
    tables.district_caps = pd.DataFrame([{"district": "d1", "main_group": "with_support", "period": None,
                                          "max_dwellings": 6}])
    tables.min_batch = pd.DataFrame([{"group": "families", "dwellings": 2}])
    result = se.scenario_from_tables(tiny, tables)
    assert result.problems == []
    adults = result.scenario.group("adults")
    assert adults.min_housed_per_period == [None, 3]
    assert [(m.period, m.dwellings) for m in adults.min_cumulative] == [("Q2", 9)]
    rules = result.scenario.rules
    assert rules.spreading[0].main_group is None and rules.spreading[0].tolerance == 0.5
    assert rules.district_caps[0].period is None and rules.district_caps[0].max_dwellings == 6
    assert rules.min_batch[0].group == "families"
    again = se.scenario_tables(result.scenario)
    assert len(again.bounds) == 2 and again.spreading.main_group.isna().all()


def test_an_id_written_star_is_an_id_not_all(tiny):
    raw = tiny.model_dump(mode="json", exclude_none=True)
    raw["main_groups"].append({"id": "*"})
    raw["rules"]["spreading"] = [{"dimension": "district", "main_group": "*", "tolerance": 0.5},
                                 {"dimension": "corporation", "main_group": None, "tolerance": 0.5}]
    from quota_opt import parse_scenario

    scenario = parse_scenario(raw)
    tables = se.scenario_tables(scenario)
    assert tables.spreading.main_group[0] == "*" and pd.isna(tables.spreading.main_group[1])
    back = se.scenario_from_tables(scenario, tables).scenario
    assert [r.main_group for r in back.rules.spreading] == ["*", None]


def test_settings_and_names(tiny):
    tables = se.scenario_tables(tiny)
    tables.settings.update(name="Tiny, edited", quota_weight=2.0, target_months=6)
    tables.names["corporations"].loc["c1", "label"] = "Corporatie Een"
    result = se.scenario_from_tables(tiny, tables)
    assert result.problems == []
    assert result.scenario.name == "Tiny, edited"
    assert result.scenario.rules.quota_weight == 2.0
    assert result.scenario.target_months == 6
    assert result.scenario.corporations[0].name == "Corporatie Een"


def only(result, table):
    problems = result.problems_in(table)
    assert len(problems) == 1, result.problems
    return problems[0]


def test_cross_field_problem_is_placed_on_the_group_cell(tiny):
    tables = se.scenario_tables(tiny)
    tables.groups.loc["adults", "overdue_start"] = 11
    result = se.scenario_from_tables(tiny, tables)
    assert result.scenario is None
    problem = only(result, "groups")
    assert (problem.row, problem.column, problem.value) == ("adults", "overdue_start", 11)
    assert "exceeds waiting_start (10)" in problem.message


def test_type_problem_in_an_inflow_cell_names_its_period_column(tiny):
    tables = se.scenario_tables(tiny)
    tables.groups["inflow Q2"] = tables.groups["inflow Q2"].astype(object)
    tables.groups.loc["families", "inflow Q2"] = -3
    problem = only(se.scenario_from_tables(tiny, tables), "groups")
    assert (problem.row, problem.column, problem.value) == ("families", "inflow Q2", -3)


def test_empty_required_cell_says_required(tiny):
    tables = se.scenario_tables(tiny)
    tables.groups.loc["adults", "weight"] = float("nan")
    problem = only(se.scenario_from_tables(tiny, tables), "groups")
    assert (problem.row, problem.column, problem.message) == ("adults", "weight", "is required")


def test_supply_problems_point_at_the_pivot_row_and_period(tiny):
    tables = se.scenario_tables(tiny)
    tables.supply = pd.concat([tables.supply, pd.DataFrame([
        {"corporation": "c9", "district": "d1", "dwelling_type": "studio", "Q1": None, "Q2": 4}])],
        ignore_index=True).astype({"Q1": object, "Q2": object})
    tables.supply.loc[2, "Q1"] = -1
    result = se.scenario_from_tables(tiny, tables)
    placed = {(p.row, p.column) for p in result.problems_in("supply")}
    assert placed == {(2, "Q1"), (len(tables.supply) - 1, "corporation")}
    assert not result.problems_in("groups")


def test_rule_problems_point_at_their_rows(tiny):
    tables = se.scenario_tables(tiny)
    tables.spreading = pd.DataFrame([{"dimension": "district", "main_group": "nobody", "tolerance": 0.2},
                                     {"dimension": "corporation", "main_group": None, "tolerance": 1.5}])
    tables.min_batch = pd.DataFrame([{"group": "adults", "dwellings": 2}, {"group": "adults", "dwellings": 3}])
    result = se.scenario_from_tables(tiny, tables)
    assert {(p.row, p.column) for p in result.problems_in("spreading")} == {(0, "main_group"), (1, "tolerance")}
    batch = only(result, "min_batch")
    assert batch.row is None  # about the table: two rows for one group


def test_a_bound_given_twice_is_an_editor_problem(tiny):
    tables = se.scenario_tables(tiny)
    tables.bounds = pd.DataFrame([
        {"group": "adults", "bound": "max_housed_per_period", "period": "Q1", "dwellings": 3},
        {"group": "adults", "bound": "max_housed_per_period", "period": "Q1", "dwellings": 4}])
    problem = only(se.scenario_from_tables(tiny, tables), "bounds")
    assert (problem.row, problem.column) == (1, "period")


def test_settings_problem(tiny):
    tables = se.scenario_tables(tiny)
    tables.settings["target_months"] = 4  # not a multiple of 3-month periods
    problem = only(se.scenario_from_tables(tiny, tables), "settings")
    assert problem.column == "target_months"


def test_uploads_in_every_format(tiny, tmp_path):
    from quota_opt import save_scenario

    for suffix in (".yaml", ".json", ".xlsx"):
        path = save_scenario(tiny, tmp_path / f"tiny{suffix}")
        assert se.load_uploaded(path.name, path.read_bytes()) == tiny


def test_a_broken_upload_lists_its_problems_under_its_own_name():
    with pytest.raises(ScenarioError) as caught:
        se.load_uploaded("mine.yaml", b"schema_version: 1\nperiods: [Q1]\ngroups: [{id: a}]\n")
    assert caught.value.source == "mine.yaml"
    assert len(caught.value.problems) >= 3
    with pytest.raises(ScenarioError):
        se.load_uploaded("notes.txt", b"hello")
    with pytest.raises(ScenarioError) as caught:
        se.load_uploaded("bad.yaml", b"groups: [\n")
    assert "malformed YAML" in caught.value.problems[0].message


def test_facts_and_totals(demo):
    facts = se.scenario_facts(demo)
    assert facts["supply"] == 1800 and facts["groups"] == len(demo.groups)
    totals = se.supply_totals(demo)
    assert totals.loc["Total", "Total"] == 1800
    assert se.file_stem(demo) == "amsterdam-phkg-2020"
