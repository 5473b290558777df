"""Scenario files in and out: a scenario saved as xlsx, JSON or YAML and loaded back equals the
original, for the worked example and for a scenario that uses every optional field; saving is
atomic (nothing half-written, no temporary files left behind)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import quota_opt.io
from quota_opt import Scenario, load_scenario, parse_scenario, save_scenario

TINY = Path(__file__).parent / "scenarios" / "tiny.yaml"
if not TINY.exists():  # before the test data is in place, the spec's own copy
    TINY = Path("/work/shared/spec/examples/tiny.yaml")

RICH = {
    "schema_version": 1,
    "name": "Rijk scenario – every optional field",
    "municipality": "Testdorp",
    "year": 2026,
    "description": "A scenario that uses every field.\nSecond line: ümlauts, € and quotes \"x\".",
    "notes": ["Supply from the corporations' offer letters.", "Inflow: 2025 average."],
    "periods": ["2026-Q1", "2026-Q2", "2026-Q3"],
    "months_per_period": 3,
    "target_months": 6,
    "dwelling_types": [{"id": "studio", "label": "Studio / youth dwelling"}, "family",
                       {"id": "wheelchair", "label": "Wheelchair accessible"}],
    "main_groups": [{"id": "with_support", "label": "Wonen met begeleiding"},
                    {"id": "without_support"}],
    "corporations": [{"id": "c1", "label": "Ymere"}, {"id": "c2", "label": "2020"}],
    "districts": [{"id": "nieuw_west", "label": "Nieuw-West"}, "centrum"],
    "groups": [
        {"id": "mobw_adults", "label": "Omslag MO/BW volwassenen", "main_group": "with_support",
         "eligible_types": ["studio", "wheelchair"], "weight": 2.5, "target_months": 3,
         "waiting_start": 30, "overdue_start": 12, "inflow": [15, 15, 10], "quota": 40,
         "min_housed": 5, "max_housed": 45,
         "min_housed_per_period": [None, 2, None], "max_housed_per_period": [20, None, 18],
         "min_cumulative": [{"period": "2026-Q2", "dwellings": 8},
                            {"period": "2026-Q3", "dwellings": 12}],
         "notes": "Numbers from the Omslagroute monitor.",
         "self_searching": True, "forecast_uptake": [4, 3, 2]},
        {"id": "families", "main_group": "without_support", "eligible_types": ["family"],
         "inflow": [2, 0, 3]},
        {"id": "nobody_fits", "label": "No eligible type yet", "main_group": "without_support",
         "eligible_types": [], "weight": 0, "waiting_start": 1, "inflow": [0, 0, 0]},
    ],
    "supply": [
        {"corporation": "c1", "district": "nieuw_west", "dwelling_type": "studio", "period": "2026-Q1", "dwellings": 6},
        {"corporation": "c1", "district": "nieuw_west", "dwelling_type": "studio", "period": "2026-Q1", "dwellings": 2},
        {"corporation": "c2", "district": "centrum", "dwelling_type": "family", "period": "2026-Q2", "dwellings": 3},
        {"corporation": "c2", "district": "centrum", "dwelling_type": "wheelchair", "period": "2026-Q3", "dwellings": 0},
        {"corporation": "c2", "district": "nieuw_west", "dwelling_type": "studio", "period": "2026-Q3", "dwellings": 9},
    ],
    "rules": {
        "quota_weight": 0.5,
        "housing_reward": 0.02,
        "spreading": [{"dimension": "corporation", "main_group": "with_support", "tolerance": 0.25},
                      {"dimension": "district", "main_group": "without_support", "tolerance": 1}],
        "district_caps": [
            {"district": "nieuw_west", "main_group": "with_support", "period": "2026-Q3", "max_dwellings": 7},
            {"district": "centrum", "main_group": None, "period": None, "max_dwellings": 100},
            {"district": "nieuw_west", "main_group": None, "period": "2026-Q1", "max_dwellings": 0},
        ],
        "min_batch": [{"group": "families", "dwellings": 3}],
        "stability_weight": 0.2,
        "objective": "fair",
    },
    "realised": {"fixed_through": "2026-Q1", "allocations": [
        {"group": "mobw_adults", "dwelling_type": "studio", "corporation": "c1",
         "district": "nieuw_west", "period": "2026-Q1", "dwellings": 4},
        {"group": "families", "dwelling_type": "studio", "corporation": "c1",
         "district": "nieuw_west", "period": "2026-Q1", "dwellings": 1},
    ], "commit_lag": 1},
    "previous_plan": [
        {"group": "families", "dwelling_type": "family", "corporation": "c2",
         "district": "centrum", "period": "2026-Q2", "dwellings": 2},
        {"group": "mobw_adults", "dwelling_type": "studio", "corporation": "c2",
         "district": "nieuw_west", "period": "2026-Q3", "dwellings": 5},
    ],
}


def scenarios():
    yield pytest.param(load_scenario(TINY), id="tiny")
    yield pytest.param(parse_scenario(RICH, "rich"), id="rich")
    minimal = copy.deepcopy(RICH)
    for key in ("municipality", "year", "description", "notes", "rules", "realised"):
        del minimal[key]
    yield pytest.param(parse_scenario(minimal, "minimal"), id="no-optional-top-level-fields")
    realised_empty = copy.deepcopy(RICH)
    realised_empty["realised"]["allocations"] = []
    yield pytest.param(parse_scenario(realised_empty, "realised-empty"), id="fixed-through-no-rows")


def test_rich_scenario_uses_every_optional_field():
    scenario = parse_scenario(RICH, "rich")
    group = scenario.group("mobw_adults")
    for field in Scenario.model_fields:
        assert getattr(scenario, field) not in (None, [], ""), field
    for field in type(group).model_fields:
        assert getattr(group, field) is not None, field


@pytest.mark.parametrize("scenario", list(scenarios()))
@pytest.mark.parametrize("suffix", [".xlsx", ".json", ".yaml", ".yml"])
def test_round_trip(tmp_path, scenario, suffix):
    path = tmp_path / f"scenario{suffix}"
    save_scenario(scenario, path)
    loaded = load_scenario(path)
    assert loaded == scenario
    # and saving what was loaded gives the same file again (for the text formats, byte for byte)
    again = tmp_path / f"again{suffix}"
    save_scenario(loaded, again)
    assert load_scenario(again) == scenario
    if suffix != ".xlsx":
        assert again.read_bytes() == path.read_bytes()


@pytest.mark.parametrize("suffix", [".xlsx", ".json", ".yaml"])
def test_round_trip_keeps_nulls_in_per_period_lists(tmp_path, suffix):
    path = tmp_path / f"scenario{suffix}"
    save_scenario(parse_scenario(RICH, "rich"), path)
    group = load_scenario(path).group("mobw_adults")
    assert group.min_housed_per_period == [None, 2, None]
    assert group.max_housed_per_period == [20, None, 18]
    caps = load_scenario(path).rules.district_caps
    assert [(c.main_group, c.period) for c in caps] == [
        ("with_support", "2026-Q3"), (None, None), (None, "2026-Q1")]


@pytest.mark.parametrize("suffix", [".xlsx", ".json", ".yaml"])
def test_round_trip_of_a_spreading_rule_over_all_groups(tmp_path, suffix):
    """`main_group: null` (spread all groups' placements together) is a field whose null has a
    meaning: it must be written, not dropped like an unset optional field."""
    raw = copy.deepcopy(RICH)
    raw["rules"]["spreading"].append({"dimension": "district", "main_group": None, "tolerance": 0.5})
    scenario = parse_scenario(raw, "rich")
    path = tmp_path / f"scenario{suffix}"
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario


def _comma_in_an_id(raw):
    raw["dwelling_types"][1] = {"id": "family, ground floor"}
    raw["groups"][1]["eligible_types"] = ["family, ground floor", "studio"]
    raw["supply"][2]["dwelling_type"] = "family, ground floor"
    raw["previous_plan"][0]["dwelling_type"] = "family, ground floor"


def _id_na(raw):
    raw["districts"][1] = {"id": "NA", "label": "Noord-A"}
    for row in raw["supply"]:
        if row["district"] == "centrum":
            row["district"] = "NA"
    raw["rules"]["district_caps"][1]["district"] = "NA"
    for row in raw["previous_plan"]:
        if row["district"] == "centrum":
            row["district"] = "NA"


def _label_na(raw):
    raw["corporations"][1]["label"] = "N/A"


def _note_none(raw):
    raw["notes"].append("None")
    raw["groups"][0]["notes"] = "n/a"


def _label_starting_with_equals(raw):
    raw["groups"][0]["label"] = "=Omslag (all routes)"


@pytest.mark.parametrize("change", [_comma_in_an_id, _id_na, _label_na, _note_none,
                                    _label_starting_with_equals])
def test_free_text_survives_the_workbook(tmp_path, change):
    """Ids, labels and notes are free text (spec §2): the workbook must give them back as
    written, whatever Excel or pandas might make of them."""
    raw = copy.deepcopy(RICH)
    change(raw)
    scenario = parse_scenario(raw, "rich")
    path = tmp_path / "scenario.xlsx"
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario


# ----------------------------------------------------------------------- atomicity


@pytest.mark.parametrize("suffix", [".xlsx", ".json", ".yaml"])
def test_saving_leaves_only_the_file(tmp_path, suffix):
    path = tmp_path / f"scenario{suffix}"
    save_scenario(parse_scenario(RICH, "rich"), path)
    save_scenario(load_scenario(TINY), path)  # overwrite an existing file
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert load_scenario(path) == load_scenario(TINY)


@pytest.mark.parametrize("suffix, target", [
    (".xlsx", "write_scenario_workbook"),
    (".json", "scenario_to_dict"),
    (".yaml", "scenario_to_dict"),
])
def test_a_failed_save_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path, monkeypatch,
                                                                          suffix, target):
    path = tmp_path / f"scenario{suffix}"
    save_scenario(load_scenario(TINY), path)
    before = path.read_bytes()

    def half_written(scenario, handle=None):
        if handle is not None:
            handle.write(b"PK half a workbook")
            raise OSError("disk full")
        return {"name": "half", "unserialisable": object()}

    monkeypatch.setattr(quota_opt.io, target, half_written)
    with pytest.raises(Exception):
        save_scenario(parse_scenario(RICH, "rich"), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_unknown_suffix_writes_nothing(tmp_path):
    with pytest.raises(ValueError):
        save_scenario(load_scenario(TINY), tmp_path / "scenario.txt")
    assert list(tmp_path.iterdir()) == []


def test_saved_file_has_ordinary_permissions(tmp_path):
    """An atomic write must not leave the temporary file's private mode (0600) behind: the file
    gets the permissions of any file the user creates."""
    probe = tmp_path / "probe.txt"
    probe.write_text("x")
    expected = probe.stat().st_mode & 0o777
    for suffix in (".yaml", ".json", ".xlsx"):
        path = tmp_path / f"scenario{suffix}"
        save_scenario(load_scenario(TINY), path)
        assert path.stat().st_mode & 0o777 == expected, suffix


def test_atomic_write_without_overwrite_never_replaces_a_file_that_appears_meanwhile(tmp_path):
    from quota_opt.io import atomic_write

    target = tmp_path / "allocation.csv"
    with pytest.raises(FileExistsError):
        with atomic_write(target, overwrite=False) as handle:
            handle.write("ours")
            target.write_text("the user's")  # another program creates it while we write
    assert target.read_text() == "the user's"
    assert [p.name for p in tmp_path.iterdir()] == ["allocation.csv"]  # no temporary left behind
    fresh = tmp_path / "new.csv"
    with atomic_write(fresh, overwrite=False) as handle:
        handle.write("ours")
    assert fresh.read_text() == "ours"
