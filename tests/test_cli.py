"""The command line of spec §5, run as a user runs it (a subprocess), on the worked example of
spec §7 (tests/scenarios/tiny.yaml: optimum 13.27 with 23 dwellings)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SCENARIOS = Path(__file__).parent / "scenarios"
TINY = SCENARIOS / "tiny.yaml"
SPEC_TINY = Path("/work/shared/spec/examples/tiny.yaml")
HEADER = ["group", "dwelling_type", "corporation", "district", "period", "dwellings"]


def tiny() -> Path:
    if not TINY.exists() and SPEC_TINY.exists():  # normally put there with the test data
        SCENARIOS.mkdir(exist_ok=True)
        shutil.copyfile(SPEC_TINY, TINY)
    return TINY


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "quota_opt.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def leftovers(directory: Path) -> list[str]:
    """Temporary files an atomic write would leave behind if it went wrong."""
    return [p.name for p in directory.iterdir() if p.name.endswith(".tmp") or p.name.startswith(".")]


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """One `solve` run on tiny.yaml into a DIR that does not exist yet (nested)."""
    out = tmp_path_factory.mktemp("cli") / "runs" / "tiny"
    result = run_cli("solve", tiny(), "--out", out)
    return result, out


def test_validate_valid_scenario_exits_0():
    result = run_cli("validate", tiny())
    assert result.returncode == 0, result.stderr


def test_console_script_validate_exits_0():
    script = Path(sys.executable).parent / "quota-opt"
    result = subprocess.run([str(script), "validate", str(tiny())], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def test_validate_missing_file_exits_2(tmp_path):
    result = run_cli("validate", tmp_path / "nowhere.yaml")
    assert result.returncode == 2
    assert "nowhere.yaml" in result.stderr


def test_solve_exits_0_and_writes_the_three_files(solved):
    result, out = solved
    assert result.returncode == 0, result.stderr
    for name in ("allocation.csv", "summary.json", "allocation.xlsx"):
        assert (out / name).is_file(), name
    assert not (out / "diagnosis.json").exists()
    assert leftovers(out) == []


def test_allocation_csv(solved):
    _, out = solved
    with open(out / "allocation.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADER
    body = rows[1:]
    assert body, "the plan allocates dwellings"
    for row in body:
        assert len(row) == len(HEADER)
        assert row[5].isdigit() and int(row[5]) > 0, row  # integers, one row per non-zero x
    keys = [tuple(row[:5]) for row in body]
    assert len(keys) == len(set(keys))
    dwellings = [int(row[5]) for row in body]
    assert sum(dwellings) == 23
    by_group = {}
    for row in body:
        by_group[row[0]] = by_group.get(row[0], 0) + int(row[5])
        assert (row[0], row[1]) in {("adults", "studio"), ("families", "family")}
        assert int(row[5]) <= 2  # every supply cell offers 2
    assert by_group == {"adults": 15, "families": 8}


def test_summary_json(solved):
    _, out = solved
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["objective"] == pytest.approx(13.27, abs=1e-6)
    assert summary["bound"] == pytest.approx(13.27, abs=1e-2)
    assert summary["bound"] <= summary["objective"] + 1e-6
    assert 0 <= summary["gap"] <= 1e-4
    for key in ("build_seconds", "solve_seconds", "seconds"):
        assert isinstance(summary[key], (int, float)) and summary[key] >= 0, key
    # each of the three may be rounded on its own
    assert summary["seconds"] == pytest.approx(summary["build_seconds"] + summary["solve_seconds"],
                                               abs=2e-3)
    groups = {g["id"]: g for g in summary["groups"]}
    assert list(groups) == ["adults", "families"]
    adults, families = groups["adults"], groups["families"]
    # spec §7: adults 8 + 7, 2 overdue after Q1 (2 x 3 household-months), 20 arrived - 15 housed
    assert adults["housed_total"] == 15
    assert adults["housed"] == {"Q1": 8, "Q2": 7}
    assert adults["quota"] == 12 and adults["quota_deviation"] == 3
    assert adults["overdue_household_months"] == pytest.approx(6)
    assert adults["queue_end"] == 5
    # within target: Q1 houses 4 overdue (never) + 4 of the start queue (yes); Q2 the last
    # 2 of the start queue (no) and Q1's 5 (yes): 9 of 15
    assert adults["share_within_target"] == pytest.approx(0.6)
    assert families["housed_total"] == 8
    assert families["quota"] is None
    assert families["overdue_household_months"] == pytest.approx(0)
    assert families["queue_end"] == 0
    # 1 overdue never within; the other 7 all within, however Q1/Q2 are split
    assert families["share_within_target"] == pytest.approx(7 / 8)


def _find_sheet(sheets: dict, *words: str) -> str:
    matches = [name for name in sheets if all(w in name.lower() for w in words)]
    assert matches, f"no sheet with {words} in its name: {list(sheets)}"
    return matches[0]


def _table_total(frame: pd.DataFrame) -> int:
    """Sum of a pivot's cells, leaving out the row and column of totals if present."""
    frame = frame.set_index(frame.columns[0])
    frame = frame.loc[[str(i).strip().lower() != "total" for i in frame.index],
                      [str(c).strip().lower() != "total" for c in frame.columns]]
    return int(frame.apply(pd.to_numeric, errors="coerce").fillna(0).to_numpy().sum())


def test_allocation_workbook(solved):
    _, out = solved
    sheets = pd.read_excel(out / "allocation.xlsx", sheet_name=None)
    for words in (("group", "type"), ("group", "period"), ("corporation", "main group"),
                  ("district", "main group")):
        name = _find_sheet(sheets, *words)
        assert _table_total(sheets[name]) == 23, name
    group_by_period = sheets[_find_sheet(sheets, "group", "period")]
    first_column = [str(v) for v in group_by_period.iloc[:, 0]]
    assert any("Adults" in v or "adults" in v for v in first_column)
    kpis = sheets[_find_sheet(sheets, "kpi")]
    text = kpis.astype(str).to_string()
    assert "adults" in text.lower() and "families" in text.lower()


def test_output_files_have_ordinary_permissions(solved):
    """Written files get the permissions of any file the user creates (umask), not 0600."""
    _, out = solved
    probe = out.parent / "probe.txt"
    probe.write_text("x")
    expected = probe.stat().st_mode & 0o777
    probe.unlink()
    for name in ("allocation.csv", "summary.json", "allocation.xlsx"):
        assert (out / name).stat().st_mode & 0o777 == expected, name


def test_time_limit_and_mip_gap_are_accepted(tmp_path):
    out = tmp_path / "out"
    result = run_cli("solve", tiny(), "--out", out, "--time-limit", "60", "--mip-gap", "0")
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["objective"] == pytest.approx(13.27, abs=1e-6)
    assert summary["gap"] == pytest.approx(0, abs=1e-6)


@pytest.mark.parametrize("option, value", [
    ("--time-limit", "soon"),
    ("--time-limit", "-5"),
    ("--time-limit", "0"),
    ("--mip-gap", "-0.1"),
])
def test_bad_option_values_exit_2_and_write_nothing(tmp_path, option, value):
    out = tmp_path / "out"
    result = run_cli("solve", tiny(), "--out", out, option, value)
    assert result.returncode == 2
    assert option in result.stderr or value in result.stderr
    assert not out.exists()


def test_rerunning_into_the_same_dir(tmp_path):
    out = tmp_path / "out"
    first = run_cli("solve", tiny(), "--out", out)
    assert first.returncode == 0, first.stderr
    before = (out / "allocation.csv").read_text()
    (out / "notes.txt").write_text("my own notes")  # a user's file in DIR stays
    second = run_cli("solve", tiny(), "--out", out)
    assert second.returncode == 0, second.stderr
    assert (out / "allocation.csv").read_text() == before
    assert json.loads((out / "summary.json").read_text())["objective"] == pytest.approx(13.27)
    assert (out / "notes.txt").read_text() == "my own notes"
    assert sorted(p.name for p in out.iterdir()) == [
        "allocation.csv", "allocation.xlsx", "notes.txt", "summary.json"]


def test_out_pointing_to_an_existing_file_exits_2(tmp_path):
    target = tmp_path / "results.txt"
    target.write_text("precious")
    result = run_cli("solve", tiny(), "--out", target)
    assert result.returncode == 2
    assert str(target) in result.stderr
    assert target.read_text() == "precious"
    assert sorted(os.listdir(tmp_path)) == ["results.txt"]
