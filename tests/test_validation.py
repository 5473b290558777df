"""Spec §2 validation: every bad-input class gives a ScenarioError whose message names the file,
the field and the offending value; every problem in a file is reported; through the command
line, exit code 2 and nothing written."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import zipfile

import openpyxl
import pytest
import yaml

from quota_opt import ScenarioError, load_scenario, parse_scenario, save_scenario

# A valid scenario that uses every field, so that each test can break exactly one thing.
BASE = {
    "schema_version": 1, "name": "valid", "periods": ["Q1", "Q2"],
    "months_per_period": 3, "target_months": 3,
    "dwelling_types": [{"id": "studio"}, {"id": "family"}],
    "main_groups": [{"id": "with_support"}, {"id": "without_support"}],
    "corporations": [{"id": "c1"}, {"id": "c2"}],
    "districts": [{"id": "d1"}, {"id": "d2"}],
    "groups": [
        {"id": "adults", "main_group": "with_support", "eligible_types": ["studio"], "weight": 2,
         "waiting_start": 10, "overdue_start": 4, "inflow": [5, 5], "quota": 12,
         "min_housed_per_period": [None, 1], "max_housed_per_period": [None, 20],
         "min_cumulative": [{"period": "Q1", "dwellings": 1}]},
        {"id": "families", "main_group": "without_support", "eligible_types": ["family"],
         "waiting_start": 4, "overdue_start": 1, "inflow": [2, 2], "min_housed": 0, "max_housed": 10},
    ],
    "supply": [
        {"corporation": "c1", "district": "d1", "dwelling_type": "studio", "period": "Q1", "dwellings": 2},
        {"corporation": "c1", "district": "d1", "dwelling_type": "studio", "period": "Q2", "dwellings": 2},
        {"corporation": "c2", "district": "d2", "dwelling_type": "family", "period": "Q1", "dwellings": 2},
        {"corporation": "c2", "district": "d2", "dwelling_type": "family", "period": "Q2", "dwellings": 2},
    ],
    "rules": {
        "quota_weight": 0.5, "housing_reward": 0.01,
        "spreading": [{"dimension": "corporation", "main_group": "with_support", "tolerance": 0.25}],
        "district_caps": [{"district": "d1", "main_group": "with_support", "period": "Q2",
                           "max_dwellings": 5}],
        "min_batch": [{"group": "families", "dwellings": 2}],
    },
    "realised": {"fixed_through": "Q1", "allocations": [
        {"group": "adults", "dwelling_type": "studio", "corporation": "c1", "district": "d1",
         "period": "Q1", "dwellings": 1}]},
}


def mutated(path: str, value):
    """BASE with the value at a dotted path ('groups.0.weight') replaced (or added)."""
    raw = copy.deepcopy(BASE)
    node = raw
    parts = [int(p) if p.isdigit() else p for p in path.split(".")]
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    return raw


def appended(path: str, item):
    raw = copy.deepcopy(BASE)
    node = raw
    for part in path.split("."):
        node = node[int(part) if part.isdigit() else part]
    node.append(item)
    return raw


def write_yaml(tmp_path, raw, name="scenario.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def error_of(path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def assert_reported(error: ScenarioError, path, fragments: tuple[str, ...], value: str):
    """The message names the file, and one of its lines names the field (every fragment of its
    path) and shows the offending value."""
    message = str(error)
    assert str(path) in message
    lines = [line for line in message.splitlines() if all(f in line for f in fragments)]
    assert lines, f"no line names {fragments}:\n{message}"
    assert any(value in line for line in lines), f"no line shows {value!r}:\n{message}"


def test_base_scenario_is_valid(tmp_path):
    scenario = load_scenario(write_yaml(tmp_path, BASE))
    assert [g.id for g in scenario.groups] == ["adults", "families"]


# ------------------------------------------------------------------- unknown ids

UNKNOWN_IDS = [
    ("groups.0.main_group", "nope", ("groups", "adults", "main_group")),
    ("groups.0.eligible_types", ["studio", "nope"], ("groups", "adults", "eligible_types")),
    ("supply.2.corporation", "nope", ("supply[2]", "corporation")),
    ("supply.2.district", "nope", ("supply[2]", "district")),
    ("supply.2.dwelling_type", "nope", ("supply[2]", "dwelling_type")),
    ("supply.2.period", "nope", ("supply[2]", "period")),
    ("realised.allocations.0.group", "nope", ("realised", "allocations[0]", "group")),
    ("realised.allocations.0.dwelling_type", "nope", ("realised", "allocations[0]", "dwelling_type")),
    ("realised.allocations.0.corporation", "nope", ("realised", "allocations[0]", "corporation")),
    ("realised.allocations.0.district", "nope", ("realised", "allocations[0]", "district")),
    ("realised.allocations.0.period", "nope", ("realised", "allocations[0]", "period")),
    ("rules.spreading.0.main_group", "nope", ("spreading[0]", "main_group")),
    ("rules.district_caps.0.district", "nope", ("district_caps[0]", "district")),
    ("rules.district_caps.0.main_group", "nope", ("district_caps[0]", "main_group")),
    ("rules.district_caps.0.period", "nope", ("district_caps[0]", "period")),
    ("rules.min_batch.0.group", "nope", ("min_batch[0]", "group")),
    ("groups.0.min_cumulative.0.period", "nope", ("groups", "adults", "min_cumulative[0]", "period")),
    ("realised.fixed_through", "nope", ("realised", "fixed_through")),
]


@pytest.mark.parametrize("path, value, fragments", UNKNOWN_IDS, ids=[c[0] for c in UNKNOWN_IDS])
def test_unknown_id(tmp_path, path, value, fragments):
    file = write_yaml(tmp_path, mutated(path, value))
    assert_reported(error_of(file), file, fragments, "nope")


# ----------------------------------------------------------------- duplicate ids

DUPLICATES = [
    ("periods", "Q1"),
    ("dwelling_types", {"id": "studio", "label": "again"}),
    ("main_groups", {"id": "with_support"}),
    ("corporations", {"id": "c2"}),
    ("districts", "d1"),  # a bare id counts as well
    ("groups", {"id": "families", "main_group": "without_support", "eligible_types": ["family"],
                "inflow": [0, 0]}),
]


@pytest.mark.parametrize("field, item", DUPLICATES, ids=[d[0] for d in DUPLICATES])
def test_duplicate_id(tmp_path, field, item):
    file = write_yaml(tmp_path, appended(field, item))
    duplicate = item if isinstance(item, str) else item["id"]
    assert_reported(error_of(file), file, (field, "duplicate"), duplicate)


def test_eligible_type_listed_twice(tmp_path):
    file = write_yaml(tmp_path, mutated("groups.0.eligible_types", ["studio", "family", "studio"]))
    assert_reported(error_of(file), file, ("groups", "adults", "eligible_types"), "studio")


def test_two_min_batches_for_one_group(tmp_path):
    file = write_yaml(tmp_path, appended("rules.min_batch", {"group": "families", "dwellings": 4}))
    assert_reported(error_of(file), file, ("min_batch",), "families")


# --------------------------------------------------------------- negative numbers

NEGATIVES = [
    ("groups.0.weight", -7, ("groups", "adults", "weight")),
    ("groups.0.inflow", [5, -7], ("groups", "adults", "inflow")),
    ("groups.0.waiting_start", -7, ("groups", "adults", "waiting_start")),
    ("groups.1.overdue_start", -7, ("groups", "families", "overdue_start")),
    ("groups.0.quota", -7, ("groups", "adults", "quota")),
    ("groups.1.min_housed", -7, ("groups", "families", "min_housed")),
    ("groups.1.max_housed", -7, ("groups", "families", "max_housed")),
    ("groups.0.min_housed_per_period", [None, -7], ("groups", "adults", "min_housed_per_period")),
    ("groups.0.max_housed_per_period", [-7, None], ("groups", "adults", "max_housed_per_period")),
    ("groups.0.min_cumulative.0.dwellings", -7, ("groups", "adults", "min_cumulative", "dwellings")),
    ("supply.2.dwellings", -7, ("supply[2]", "dwellings")),
    ("rules.quota_weight", -7, ("quota_weight",)),
    ("rules.housing_reward", -7, ("housing_reward",)),
    ("rules.district_caps.0.max_dwellings", -7, ("district_caps[0]", "max_dwellings")),
    ("rules.min_batch.0.dwellings", -7, ("min_batch[0]", "dwellings")),
    ("realised.allocations.0.dwellings", -7, ("realised", "allocations[0]", "dwellings")),
]


@pytest.mark.parametrize("path, value, fragments", NEGATIVES, ids=[c[0] for c in NEGATIVES])
def test_negative_number(tmp_path, path, value, fragments):
    file = write_yaml(tmp_path, mutated(path, value))
    assert_reported(error_of(file), file, fragments, "-7")


def test_months_per_period_below_one(tmp_path):
    file = write_yaml(tmp_path, mutated("months_per_period", 0))
    assert_reported(error_of(file), file, ("months_per_period",), "0")


def test_not_a_number(tmp_path):
    file = write_yaml(tmp_path, mutated("groups.0.weight", "heavy"))
    assert_reported(error_of(file), file, ("groups", "adults", "weight"), "heavy")


def test_fractional_dwellings(tmp_path):
    file = write_yaml(tmp_path, mutated("supply.0.dwellings", 2.5))
    assert_reported(error_of(file), file, ("supply[0]", "dwellings"), "2.5")


# ------------------------------------------------------------- per-period lists


@pytest.mark.parametrize("field, value", [
    ("inflow", [5, 5, 5]),
    ("inflow", [5]),
    ("min_housed_per_period", [1, 1, 1]),
    ("max_housed_per_period", [20]),
])
def test_list_length_differs_from_the_number_of_periods(tmp_path, field, value):
    file = write_yaml(tmp_path, mutated(f"groups.0.{field}", value))
    assert_reported(error_of(file), file, ("groups", "adults", field), str(value))


def test_overdue_start_above_waiting_start(tmp_path):
    file = write_yaml(tmp_path, mutated("groups.0.overdue_start", 11))
    assert_reported(error_of(file), file, ("groups", "adults", "overdue_start"), "11")


def test_overdue_start_above_default_waiting_start(tmp_path):
    raw = mutated("groups.1.overdue_start", 3)
    del raw["groups"][1]["waiting_start"]  # default 0
    file = write_yaml(tmp_path, raw)
    assert_reported(error_of(file), file, ("groups", "families", "overdue_start"), "3")


# ------------------------------------------------------------------- target months


@pytest.mark.parametrize("value", [5, 0, -3])
def test_scenario_target_months_not_a_positive_multiple(tmp_path, value):
    file = write_yaml(tmp_path, mutated("target_months", value))
    assert_reported(error_of(file), file, ("target_months",), str(value))


@pytest.mark.parametrize("value", [5, 0, -6])
def test_group_target_months_not_a_positive_multiple(tmp_path, value):
    file = write_yaml(tmp_path, mutated("groups.1.target_months", value))
    assert_reported(error_of(file), file, ("groups", "families", "target_months"), str(value))


def test_default_target_months_against_other_months_per_period(tmp_path):
    """months_per_period 2 with the default target_months 3: 3 is not a multiple of 2."""
    raw = mutated("months_per_period", 2)
    del raw["target_months"]
    file = write_yaml(tmp_path, raw)
    assert_reported(error_of(file), file, ("target_months",), "3")


# ---------------------------------------------------------------------- tolerance


@pytest.mark.parametrize("value", [1.5, -0.1])
def test_tolerance_outside_zero_one(tmp_path, value):
    file = write_yaml(tmp_path, mutated("rules.spreading.0.tolerance", value))
    assert_reported(error_of(file), file, ("spreading[0]", "tolerance"), str(value))


@pytest.mark.parametrize("value", [0, 1])
def test_tolerance_at_the_ends_is_valid(tmp_path, value):
    load_scenario(write_yaml(tmp_path, mutated("rules.spreading.0.tolerance", value)))


# ------------------------------------------------------------------------ realised


def test_realised_row_after_fixed_through(tmp_path):
    raw = appended("realised.allocations", {"group": "adults", "dwelling_type": "studio",
                                            "corporation": "c1", "district": "d1",
                                            "period": "Q2", "dwellings": 1})
    file = write_yaml(tmp_path, raw)
    assert_reported(error_of(file), file, ("realised", "allocations[1]", "period"), "Q2")


def test_realised_rows_exceeding_the_supply_of_their_cell(tmp_path):
    """Two rows in the cell (c1, d1, studio, Q1), which offers 2: 1 + 8 = 9 realised."""
    raw = appended("realised.allocations", {"group": "families", "dwelling_type": "studio",
                                            "corporation": "c1", "district": "d1",
                                            "period": "Q1", "dwellings": 8})
    file = write_yaml(tmp_path, raw)
    assert_reported(error_of(file), file, ("realised", "allocations"), "9")


def test_realised_row_in_a_cell_without_supply(tmp_path):
    raw = mutated("realised.allocations.0.district", "d2")
    file = write_yaml(tmp_path, raw)
    assert_reported(error_of(file), file, ("realised", "allocations[0]"), "1")


def test_realised_rows_within_supply_are_valid_even_of_an_ineligible_type(tmp_path):
    raw = appended("realised.allocations", {"group": "families", "dwelling_type": "studio",
                                            "corporation": "c1", "district": "d1",
                                            "period": "Q1", "dwellings": 1})
    load_scenario(write_yaml(tmp_path, raw))


# ------------------------------------------------------------------- field names


def test_typo_in_a_group_field(tmp_path):
    raw = copy.deepcopy(BASE)
    raw["groups"][0]["wieght"] = raw["groups"][0].pop("weight")
    file = write_yaml(tmp_path, raw)
    assert_reported(error_of(file), file, ("groups", "adults", "wieght"), "2")


def test_typo_in_a_top_level_field(tmp_path):
    raw = copy.deepcopy(BASE)
    raw["suply"] = raw.pop("supply")
    file = write_yaml(tmp_path, raw)
    assert_reported(error_of(file), file, ("suply",), "c1")


def test_typo_in_a_rule_field(tmp_path):
    file = write_yaml(tmp_path, mutated("rules.district_caps.0.max_dwelings", 4))
    assert_reported(error_of(file), file, ("district_caps[0]", "max_dwelings"), "4")


def test_missing_required_field(tmp_path):
    raw = copy.deepcopy(BASE)
    del raw["groups"][1]["inflow"]
    file = write_yaml(tmp_path, raw)
    assert_reported(error_of(file), file, ("groups", "families", "inflow"), "")


# --------------------------------------------------------- files that are not scenarios


def test_malformed_yaml(tmp_path):
    file = tmp_path / "broken.yaml"
    file.write_text("schema_version: 1\nname: x\nperiods: [Q1, Q2\ngroups: []\n")
    message = str(error_of(file))
    assert str(file) in message
    assert "YAML" in message and "line" in message


def test_key_written_twice_in_yaml(tmp_path):
    file = tmp_path / "twice.yaml"
    file.write_text("schema_version: 1\nname: x\nname: y\nperiods: [Q1]\n")
    message = str(error_of(file))
    assert str(file) in message
    assert "duplicate key 'name'" in message and "line 3" in message


def test_malformed_json(tmp_path):
    file = tmp_path / "broken.json"
    file.write_text('{"schema_version": 1, "periods": ["Q1",]}')
    message = str(error_of(file))
    assert str(file) in message
    assert "JSON" in message and "line 1" in message


@pytest.mark.parametrize("name, content", [
    ("list.yaml", "- a\n- b\n"),
    ("allocation.csv", "group,period,dwellings\nadults,Q1,3\n"),
    ("sentence.yaml", "just a sentence\n"),
    ("empty.yaml", ""),
    ("other.json", '{"colour": "blue"}'),
    ("number.json", "42"),
])
def test_text_file_that_is_not_a_scenario(tmp_path, name, content):
    file = tmp_path / name
    file.write_text(content)
    message = str(error_of(file))
    assert str(file) in message
    assert "not a scenario" in message


@pytest.mark.parametrize("name", ["binary.yaml", "binary.json", "binary.xlsx"])
def test_binary_file(tmp_path, name):
    file = tmp_path / name
    file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00" * 8)
    assert str(file) in str(error_of(file))


def test_corrupt_workbook(tmp_path):
    """A workbook cut off halfway (an interrupted download): invalid input, not a crash."""
    whole = tmp_path / "whole.xlsx"
    save_scenario(parse_scenario(BASE), whole)
    data = whole.read_bytes()
    file = tmp_path / "cut.xlsx"
    file.write_bytes(data[: len(data) // 2])
    assert str(file) in str(error_of(file))


def test_workbook_that_is_not_a_scenario(tmp_path):
    file = tmp_path / "other.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["colour", "blue"])
    workbook.save(file)
    assert str(file) in str(error_of(file))


def test_zip_that_is_not_a_workbook(tmp_path):
    file = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert str(file) in str(error_of(file))


def test_missing_file(tmp_path):
    file = tmp_path / "nowhere.yaml"
    assert str(file) in str(error_of(file))


# --------------------------------------------------------- other formats, same checks


def test_bad_value_in_json(tmp_path):
    file = tmp_path / "scenario.json"
    file.write_text(json.dumps(mutated("groups.0.weight", -7)))
    assert_reported(error_of(file), file, ("groups", "adults", "weight"), "-7")


def test_bad_value_in_workbook(tmp_path):
    file = tmp_path / "scenario.xlsx"
    save_scenario(parse_scenario(BASE), file)
    workbook = openpyxl.load_workbook(file)
    sheet = workbook["groups"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("weight") + 1, value=-7)
    sheet = workbook["supply"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=3, column=header.index("corporation") + 1, value="nope")
    workbook.save(file)
    error = error_of(file)
    assert_reported(error, file, ("groups", "adults", "weight"), "-7")
    assert_reported(error, file, ("supply[1]", "corporation"), "nope")


# ----------------------------------------------------------- every problem at once


def test_every_problem_in_a_file_is_reported(tmp_path):
    raw = copy.deepcopy(BASE)
    raw["groups"][0]["main_group"] = "nope"                       # unknown id
    raw["groups"][0]["weight"] = -7                               # negative
    raw["groups"][1]["inflow"] = [1, 2, 3]                        # wrong length
    raw["groups"][1]["overdue_start"] = 99                        # above waiting_start
    raw["corporations"].append({"id": "c1"})                      # duplicate
    raw["rules"]["spreading"][0]["tolerance"] = 2                 # outside [0, 1]
    raw["rules"]["district_caps"][0]["period"] = "Q7"             # unknown period
    raw["supply"][3]["dwelling_type"] = "castle"                  # unknown type
    raw["groups"][1]["wieght"] = 3                                # typo
    raw["realised"]["allocations"][0]["period"] = "Q2"            # after fixed_through
    file = write_yaml(tmp_path, raw)
    error = error_of(file)
    assert_reported(error, file, ("groups", "adults", "main_group"), "nope")
    assert_reported(error, file, ("groups", "adults", "weight"), "-7")
    assert_reported(error, file, ("groups", "families", "inflow"), "[1, 2, 3]")
    assert_reported(error, file, ("groups", "families", "overdue_start"), "99")
    assert_reported(error, file, ("corporations",), "c1")
    assert_reported(error, file, ("spreading[0]", "tolerance"), "2")
    assert_reported(error, file, ("district_caps[0]", "period"), "Q7")
    assert_reported(error, file, ("supply[3]", "dwelling_type"), "castle")
    assert_reported(error, file, ("groups", "families", "wieght"), "3")
    assert_reported(error, file, ("realised", "allocations[0]", "period"), "Q2")
    assert len(error.problems) >= 10


# -------------------------------------------------------------------- command line


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "quota_opt.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_cli_validate_invalid_exits_2_and_shows_the_value(tmp_path):
    file = write_yaml(tmp_path, mutated("groups.0.weight", -7), name="bad.yaml")
    result = run_cli("validate", file)
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert str(file) in output and "weight" in output and "-7" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("name, content", [
    ("bad.yaml", yaml.safe_dump(mutated("rules.spreading.0.tolerance", 1.5))),
    ("broken.yaml", "periods: [Q1\n"),
    ("broken.json", "{"),
    ("empty.yaml", ""),
])
def test_cli_solve_invalid_exits_2_and_writes_nothing(tmp_path, name, content):
    file = tmp_path / name
    file.write_text(content)
    out = tmp_path / "out"
    result = run_cli("solve", file, "--out", out)
    assert result.returncode == 2, result.stderr
    assert str(file) in result.stderr
    assert not out.exists()


def test_cli_solve_corrupt_workbook_exits_2_and_writes_nothing(tmp_path):
    whole = tmp_path / "whole.xlsx"
    save_scenario(parse_scenario(BASE), whole)
    file = tmp_path / "cut.xlsx"
    file.write_bytes(whole.read_bytes()[:2000])
    out = tmp_path / "out"
    result = run_cli("solve", file, "--out", out)
    assert result.returncode == 2, result.stderr
    assert str(file) in result.stderr
    assert not out.exists()
