"""The app's package modules without a browser: texts (i18n), runs and their tables
(app_runs), charts, and the background solve with its progress (app_solve)."""

import re
import threading
import time
from io import BytesIO
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from quota_opt import SolveOptions, Status, load_scenario, solve_scenario
from quota_opt import app_runs as ar
from quota_opt import charts, i18n
from quota_opt.app_solve import SOLVER_LOCK, highs_progress, solve_with_progress

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "scenarios" / "tiny.yaml"
EXACT = SolveOptions(mip_gap=0, time_limit=60)


@pytest.fixture(scope="module")
def tiny():
    return load_scenario(TINY)


@pytest.fixture(scope="module")
def solution(tiny):
    return solve_scenario(tiny, EXACT)


# ------------------------------------------------------------------------------ texts


def test_every_text_has_dutch_and_english():
    for key, (dutch, english) in i18n.TEXTS.items():
        assert dutch.strip() and english.strip(), key
        assert set(re.findall(r"{(\w+)}", dutch)) == set(re.findall(r"{(\w+)}", english)), key


def test_every_text_the_app_asks_for_exists():
    sources = [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py")),
               ROOT / "quota_opt" / "app_views.py", ROOT / "quota_opt" / "app_state.py"]
    asked = set()
    for path in sources:
        asked |= set(re.findall(r"""\bt\(["']([a-z_.]+)["']""", path.read_text()))
    assert asked, "no texts found"
    assert sorted(asked - set(i18n.TEXTS)) == []


def test_every_family_of_texts_is_complete():
    from quota_opt.app_runs import RunKind
    from quota_opt.scenario_edit import BOUND_KINDS, ENTITY_KINDS

    families = {
        "kpi": ar.KPI_FIELDS, "kpi_short": ar.KPI_FIELDS, "kpi_help": ar.KPI_FIELDS,
        "col": [*ar.GROUP_KPIS, "group", "dwelling_type", "corporation", "district", "period"],
        "status": [s.value for s in Status], "status.short": [*(s.value for s in Status), "plan"],
        "run.kind": [k.value for k in RunKind], "bound": BOUND_KINDS, "kind": ENTITY_KINDS,
        "tab": ["groups", "bounds", "supply", "rules", "names"], "side": ["lower", "upper"],
        "facts": ["groups", "periods", "supply", "quota", "demand"],
        "chart.title": ["housed", "quota", "group", "main_group", "period", "dwellings", "queue", "overdue",
                        "start", "run", "corporation", "district"],
    }
    missing = [f"{family}.{key}" for family, keys in families.items() for key in keys
               if not i18n.has(f"{family}.{key}")]
    missing += [key for key in ("scenario.download_yaml", "scenario.download_json", "scenario.download_xlsx")
                if not i18n.has(key)]
    assert missing == []


def test_dutch_is_the_default_and_numbers_read_the_dutch_way():
    assert i18n.t("solve.button") == "Oplossen"
    assert i18n.t("solve.button", "en") == "Solve"
    assert i18n.format_number(1800) == "1.800" and i18n.format_number(1800, "en") == "1,800"
    assert i18n.format_number(5246.04, decimals=2) == "5.246,04"
    assert i18n.format_percent(0.7428) == "74,3 %" and i18n.format_percent(0.7428, "en") == "74.3%"
    assert i18n.format_number(None) == "–"
    assert i18n.t("no.such.key") == "no.such.key"


def test_validation_messages_in_dutch():
    assert i18n.problem_message("exceeds waiting_start (10)") == \
        "is groter dan het aantal wachtenden bij de start (10)"
    assert i18n.problem_message("exceeds waiting_start (10)", "en") == "exceeds waiting_start (10)"
    assert i18n.problem_message("a message nobody translated") == "a message nobody translated"


# ------------------------------------------------------------------------------- runs


def test_runs_of_every_kind(tiny, solution):
    optimised = ar.optimised_run("opt", solution)
    thumb = ar.rule_of_thumb_run("thumb", tiny, solution)
    assert thumb.plan is solution.rule_of_thumb  # the solve's own judgement is reused
    fresh = ar.rule_of_thumb_run("thumb", tiny)
    assert fresh.plan.objective == pytest.approx(thumb.plan.objective)
    agreed = ar.agreed_division_run("agreed", tiny, EXACT)
    assert optimised.status == "optimal" and agreed.status == "plan"
    assert optimised.objective == pytest.approx(13.27)
    assert optimised.objective <= agreed.objective + 1e-9 and optimised.objective <= thumb.objective + 1e-9
    assert ar.unique_name("opt", ["opt", "opt (2)"]) == "opt (3)"


def test_kpi_cards(solution):
    cards = ar.kpi_cards(solution.plan)
    assert set(cards) == {"total", "with_support", "without_support"}
    assert cards["total"]["housed_total"] == 23
    assert set(cards["total"]) == set(ar.KPI_FIELDS)


def test_allocation_view_filters_and_labels(tiny, solution):
    run = ar.optimised_run("opt", solution)
    full = ar.allocation_view(run)
    assert full.dwellings.sum() == 23
    assert set(full.group) == {"Adults", "Families"}
    only = ar.allocation_view(run, {"group": ["families"], "period": ["Q2"]})
    assert set(only.group) == {"Families"} and set(only.period) == {"Q2"}
    assert only.dwellings.sum() == 2


def test_comparison_and_group_differences(tiny, solution):
    runs = [ar.optimised_run("opt", solution), ar.rule_of_thumb_run("thumb", tiny, solution)]
    table = ar.comparison(runs)
    assert list(table.plan.unique()) == ["opt", "thumb"]
    assert {"main_group_label", "housed", "objective"} <= set(table.columns)
    diff = ar.group_kpi_table(runs, "housed_total", runs[0])
    assert list(diff.columns) == ["group", "label", "opt", "thumb", "Δ thumb"]
    assert (diff["Δ thumb"] == diff["thumb"] - diff["opt"]).all()


def test_downloads_are_the_files_of_spec_5(tiny, solution):
    run = ar.optimised_run("opt", solution)
    csv = ar.allocation_csv_bytes(run).decode()
    assert csv.splitlines()[0] == "group,dwelling_type,corporation,district,period,dwellings"
    assert sum(int(line.rsplit(",", 1)[1]) for line in csv.splitlines()[1:]) == 23
    assert b'"status": "optimal"' in ar.summary_json_bytes(run)
    book = openpyxl.load_workbook(BytesIO(ar.run_workbook_bytes(run)))
    assert {"Summary", "Corporation x main group", "District x main group", "Allocation"} <= set(book.sheetnames)
    both = [run, ar.rule_of_thumb_run("thumb/1", tiny, solution)]
    sheets = openpyxl.load_workbook(BytesIO(ar.comparison_workbook_bytes(both))).sheetnames
    assert sheets[0] == "Comparison" and "2 thumb_1" in sheets
    assert ar.has_workbook(run) and not ar.has_workbook(both[1])


# ----------------------------------------------------------------------------- charts


def test_charts_build_from_labelled_frames(solution):
    run = ar.optimised_run("opt", solution)
    titles = {k: k for k in ("housed", "quota", "group", "main_group", "period", "dwellings", "queue",
                             "overdue", "start", "run", "corporation", "district", "value")}
    groups = solution.plan.kpis.groups.assign(label=lambda f: f.group, main_group_label=lambda f: f.main_group)
    groups["quota"] = groups.quota.astype("float64")
    housed = ar.housed_frame(run)
    allocation = solution.allocation.assign(main_group=lambda f: f.group.map(
        {"adults": "with_support", "families": "without_support"}))
    built = [
        charts.housed_vs_quota(groups, ["with_support", "without_support"], titles),
        charts.housed_per_period(housed[housed.period != "start"], ["Q1", "Q2"], ["with_support"], titles),
        charts.heatmap(allocation, "corporation", "main_group", ["c1", "c2"], ["with_support", "without_support"],
                       titles),
        charts.queue_over_time(housed, ["Q1", "Q2"], titles),
        charts.compare_groups(pd.DataFrame({"label": ["a", "a"], "run": ["x", "y"], "value": [1.0, 2.0]}),
                              ["a"], ["x", "y"], titles),
    ]
    for chart in built:
        spec = chart.to_dict()
        assert "$schema" in spec
    cells = charts.heatmap(allocation, "corporation", "main_group", ["c1", "c2", "c3"],
                           ["with_support", "without_support"], titles).to_dict()
    data = next(iter(cells["datasets"].values()))
    assert len(data) == 6  # every cell shown, missing ones as 0
    assert sum(row["dwellings"] for row in data) == 23


def test_queue_frame_starts_with_the_starting_queue(tiny, solution):
    frame = ar.housed_frame(ar.optimised_run("opt", solution))
    start = frame[frame.period == "start"].set_index("group")
    assert start.loc["adults", "queue"] == 10 and start.loc["families", "queue"] == 4


# ---------------------------------------------------------------------------- solving

HIGHS_LOG = "\n".join([  # the head and first rows of a branch-and-bound log, as HiGHS 1.15 writes them
    "        Nodes      |    B&B Tree     |            Objective Bounds              |  Dynamic Constraints |"
    "       Work",
    "Src  Proc. InQueue |  Leaves   Expl. | BestBound       BestSol              Gap |   Cuts   InLp Confl. |"
    " LpIters     Time",
    "",
    "         0       0         0   0.00%   -inf            inf                  inf        0      0      0"
    "         0     0.0s",
    " J       0       0         0   0.00%   -96.64          1715.09          105.63%        0      0      0"
    "         0     0.1s",
])


def test_progress_is_read_from_the_highs_log():
    assert highs_progress(HIGHS_LOG) == (1715.09, -96.64, pytest.approx(1.0563))
    assert highs_progress("Running HiGHS 1.15\n") == (None, None, None)


def test_solve_with_progress_reports_and_returns_the_solution(tiny):
    seen = []
    solution = solve_with_progress(tiny, EXACT, on_progress=seen.append, poll_seconds=0.001)
    assert solution.status is Status.OPTIMAL and solution.objective == pytest.approx(13.27)
    assert solution.options.time_limit == 60
    assert all(0 <= p.fraction < 1 for p in seen)


def test_a_second_solve_waits_for_the_first(tiny):
    seen = []
    with SOLVER_LOCK:  # as if another session's solve were running
        worker = threading.Thread(target=lambda: seen.append(
            solve_with_progress(tiny, EXACT, on_progress=seen.append, poll_seconds=0.01)))
        worker.start()
        time.sleep(0.2)
        assert seen and all(p.waiting for p in seen)
    worker.join(30)
    assert seen[-1].status is Status.OPTIMAL


def test_solver_errors_reach_the_caller(tiny, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("HiGHS (highspy) is not installed")

    monkeypatch.setattr("quota_opt.app_solve.solve_scenario", broken)
    with pytest.raises(RuntimeError, match="not installed"):
        solve_with_progress(tiny, EXACT)


def test_the_time_limit_is_respected_and_the_best_plan_kept():
    """A scenario HiGHS cannot prove optimal in a second: it stops at the limit (plus the
    hand-off of the model) and, when it found a plan, the plan comes back."""
    import importlib.util

    from quota_opt import parse_scenario

    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    scenario = parse_scenario(generate.generate("city-monthly", seed=2))
    solution = solve_with_progress(scenario, SolveOptions(time_limit=1.0, mip_gap=0))
    assert solution.solve_seconds < 1.0 + 1.5
    assert solution.status in (Status.TIME_LIMIT, Status.NO_SOLUTION, Status.OPTIMAL)
    if solution.status is Status.TIME_LIMIT:
        assert solution.plan is not None and solution.gap is not None
