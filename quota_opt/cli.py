"""The command line of spec §5.

    quota-opt validate SCENARIO                      exit 0 valid, 2 invalid
    quota-opt solve SCENARIO --out DIR [--time-limit S] [--mip-gap G]
    quota-opt resolve SCENARIO --realised FILE --fixed-through P --out DIR   (issue 4)
    quota-opt runs list|show|compare, quota-opt adopt RUN --note TEXT        (the store, issue 6)

Exit codes: 0 a plan (optimal or best within the time limit), 2 invalid input,
3 infeasible (diagnosis.json in DIR), 1 anything unexpected."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

import pandas as pd

from .cli_store import RunRecorder, add_store_commands, add_store_options, cmd_adopt, cmd_runs
from .errors import ScenarioError
from .io import load_scenario

EXIT_OK, EXIT_UNEXPECTED, EXIT_INVALID, EXIT_INFEASIBLE = 0, 1, 2, 3
OUTPUT_NAMES = ("allocation.csv", "allocation.xlsx", "summary.json", "diagnosis.json")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return value


def _gap(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1): {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="quota-opt",
        description="Divide a city's quota of social-rental dwellings over vulnerable groups.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check a scenario file (exit 0 valid, 2 invalid)")
    validate.add_argument("scenario", type=Path)
    solve = commands.add_parser("solve", help="optimise a scenario and write the plan into DIR")
    solve.add_argument("scenario", type=Path)
    solve.add_argument("--out", type=Path, required=True, metavar="DIR")
    solve.add_argument("--time-limit", type=_positive_float, default=300.0, metavar="S",
                       help="seconds for the solver (default 300); the best plan found is kept")
    solve.add_argument("--mip-gap", type=_gap, default=1e-4, metavar="G",
                       help="relative optimality gap (default 1e-4)")
    solve.add_argument("--threads", type=int, default=None, help="HiGHS threads (default: HiGHS's choice)")
    solve.add_argument("--formulation", choices=["aggregated", "reference"], default="aggregated",
                       help="aggregated (default, fast) or reference (one variable per group, type, "
                            "corporation, district and period); both give the spec's optimum")
    solve.add_argument("--log", action="store_true", help="print HiGHS's log to stderr")
    solve.add_argument("--quiet", action="store_true", help="print no KPI table")
    solve.add_argument("--objective", choices=["weighted", "fair"], default=None,
                       help="override the scenario's objective: weighted (spec §3) or fair (first the "
                            "largest overdue share over groups, then the weighted objective)")
    solve.add_argument("--explain", action="store_true",
                       help="also compute the marginal value of one more dwelling per type and period "
                            "and of each binding rule (one re-solve each)")
    add_store_options(solve)
    resolve = commands.add_parser(
        "resolve", parents=[], help="re-plan the rest of the year from what was allocated so far")
    resolve.add_argument("scenario", type=Path)
    resolve.add_argument("--realised", type=Path, required=True, metavar="FILE",
                         help="allocations made so far (CSV or xlsx with allocation.csv's columns); an "
                              "xlsx may hold a sheet 'updates' (group, field, period, value)")
    resolve.add_argument("--fixed-through", required=True, metavar="PERIOD",
                         help="the last realised period; it and all before it are fixed")
    resolve.add_argument("--commit-lag", type=int, default=0, metavar="N",
                         help="the next N periods stay at the previous plan (offers in the pipeline)")
    resolve.add_argument("--previous", type=Path, default=None, metavar="RUN_DIR",
                         help="the run whose plan was adopted (its allocation.csv)")
    resolve.add_argument("--updates", type=Path, default=None, metavar="FILE",
                         help="updated forecasts as CSV: group, field (inflow, forecast_uptake, "
                              "waiting_start, overdue_start, quota, weight), period, value")
    resolve.add_argument("--stability-weight", type=float, default=None, metavar="W",
                         help="cost per dwelling of changing a contingent of the previous plan "
                              "(default: the scenario's, 0.1; 0 switches it off)")
    resolve.add_argument("--no-explain", action="store_true", help="skip the marginal values")
    for sub in (resolve,):
        sub.add_argument("--out", type=Path, required=True, metavar="DIR")
        sub.add_argument("--time-limit", type=_positive_float, default=300.0, metavar="S")
        sub.add_argument("--mip-gap", type=_gap, default=1e-4, metavar="G")
        sub.add_argument("--threads", type=int, default=None)
        sub.add_argument("--formulation", choices=["aggregated", "reference"], default="aggregated")
        sub.add_argument("--objective", choices=["weighted", "fair"], default=None)
        sub.add_argument("--log", action="store_true")
        sub.add_argument("--quiet", action="store_true")
        add_store_options(sub)
    add_store_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "validate":
            return cmd_validate(args)
        if args.command == "solve":
            return cmd_solve(args)
        if args.command == "resolve":
            return cmd_resolve(args)
        if args.command == "runs":
            return cmd_runs(args)
        if args.command == "adopt":
            return cmd_adopt(args)
    except ScenarioError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("quota-opt: interrupted", file=sys.stderr)
        return EXIT_UNEXPECTED
    except BrokenPipeError:  # `quota-opt runs list | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # the CLI's promise: exit 1 for anything unexpected
        if args.debug:
            traceback.print_exc()
        print(f"quota-opt: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_UNEXPECTED
    return EXIT_UNEXPECTED


def cmd_validate(args) -> int:
    scenario = load_scenario(args.scenario)
    cells = len(scenario.supply)
    dwellings = sum(r.dwellings for r in scenario.supply)
    print(f"{args.scenario}: valid scenario {scenario.name!r}: {len(scenario.groups)} groups, "
          f"{len(scenario.periods)} periods, {cells} supply rows, {dwellings} dwellings")
    return EXIT_OK


def _check_out_dir(out: Path, scenario_path: Path) -> str | None:
    if out.exists() and not out.is_dir():
        return f"--out {out}: exists and is not a directory"
    targets = {(out / name).resolve() for name in OUTPUT_NAMES}
    if scenario_path.resolve() in targets:
        return f"--out {out}: would overwrite the scenario file {scenario_path}; choose another DIR"
    return None


def cmd_solve(args) -> int:
    from .export import write_outputs
    from .pipeline import solve_scenario
    from .solve import SolveOptions, Status

    scenario = load_scenario(args.scenario)  # ScenarioError -> exit 2, nothing written
    if args.objective is not None:
        scenario = scenario.model_copy(update={"rules": scenario.rules.model_copy(update={"objective": args.objective})})
    return _solve_and_write(args, scenario, [args.scenario], explain_it=args.explain)


def cmd_resolve(args) -> int:
    from .io import save_scenario
    from .midyear import resolve_scenario

    if args.commit_lag < 0:
        print(f"--commit-lag {args.commit_lag}: must be 0 or more", file=sys.stderr)
        return EXIT_INVALID
    scenario = resolve_scenario(args.scenario, args.realised, args.fixed_through, args.commit_lag,
                                args.previous, args.updates, args.stability_weight, args.objective)
    code = _solve_and_write(args, scenario, [args.scenario, args.realised], explain_it=not args.no_explain,
                            mid_year=True)
    if code in (EXIT_OK, EXIT_INFEASIBLE):
        save_scenario(scenario, args.out / "scenario.yaml")  # exactly what was solved
    return code


def _solve_and_write(args, scenario, inputs: list[Path], explain_it: bool, mid_year: bool = False) -> int:
    from .export import write_outputs
    from .pipeline import solve_scenario
    from .solve import SolveOptions, Status

    for path in inputs:
        problem = _check_out_dir(args.out, path)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_INVALID
    options = SolveOptions(time_limit=args.time_limit, mip_gap=args.mip_gap, threads=args.threads,
                           formulation=args.formulation)
    recorder = RunRecorder(args, scenario, "resolve" if mid_year else "solve", options,
                           previous_dir=getattr(args, "previous", None))
    try:
        solution = solve_scenario(scenario, options, log_stream=sys.stderr if args.log else None)
        tables, sections = {}, {}
        if solution.plan is not None and (mid_year or explain_it):
            tables, sections = _report_sections(solution, options, explain_it, mid_year)
        written = write_outputs(args.out, solution, tables, {**sections, **recorder.summary_section})
    except BaseException as error:  # recorded, then handled as before (exit 1, or interrupted)
        recorder.fail(error)
        raise
    recorder.finish(solution, tables, sections)
    if solution.status is Status.INFEASIBLE:
        from .diagnose import diagnosis_sentences

        print(f"{args.scenario}: infeasible: the hard rules conflict. To make a plan possible:",
              file=sys.stderr)
        for line in diagnosis_sentences(solution.diagnosis):
            print(f"  - {line}", file=sys.stderr)
        print(f"details: {args.out / 'diagnosis.json'}", file=sys.stderr)
        return EXIT_INFEASIBLE
    if not solution.status.has_plan:
        print(f"{args.scenario}: no plan: {solution.status.value} ({solution.message}); "
              f"try a longer --time-limit", file=sys.stderr)
        return EXIT_UNEXPECTED
    if not args.quiet:
        print(kpi_table(solution))
        for line in sections.get("explanations", {}).get("sentences", [])[:8]:
            print(f"  - {line}")
        if "dwellings_moved" in sections:
            moved = sections["dwellings_moved"]
            print(f"plan stability: {moved['dwellings_moved']:g} dwellings moved between contingents "
                  f"against the previous plan ({', '.join(moved['periods'])})")
        print(f"\nwritten: {', '.join(str(p) for p in written)}")
        if recorder.run_id is not None:
            print(f"saved as run {recorder.run_id} in {recorder.store.shown_url}")
    return EXIT_OK


def _report_sections(solution, options, explain_it: bool, mid_year: bool):
    """Workbook sheets and summary.json sections of a re-solve: what changed, dwellings moved,
    and the explanations."""
    from .changes import dwellings_moved, what_changed
    from .data import ModelData
    from .explain import explain, explanation_report
    from .results import allocation_dict

    tables, sections = {}, {}
    data = ModelData(solution.scenario)
    revised = allocation_dict(solution.allocation)
    if mid_year:
        changes = what_changed(data, revised)
        tables["What changed"] = changes
        sections["what_changed"] = changes.astype(object).where(changes.notna(), None).to_dict("records")
        if data.previous:
            sections["dwellings_moved"] = dwellings_moved(data, revised)
    if explain_it:
        explained_tables, explained_sections = explanation_report(explain(solution, options))
        tables.update(explained_tables)
        sections.update(explained_sections)
    return tables, sections


def kpi_table(solution) -> str:
    """The KPIs per group and in total, against the rule of thumb, as text."""
    kpis = solution.plan.kpis
    base = solution.rule_of_thumb.kpis
    frame = kpis.groups[["group", "main_group", "housed_total", "quota", "overdue_household_months",
                         "queue_end", "share_within_target"]].copy()
    frame["thumb_housed"] = base.groups.housed_total.values
    frame["thumb_overdue_hm"] = base.groups.overdue_household_months.values
    total = kpis.total
    frame.loc[len(frame)] = ["TOTAL", "", total["housed_total"], total["quota"],
                             total["overdue_household_months"], total["queue_end"],
                             total["share_within_target"], base.total["housed_total"],
                             base.total["overdue_household_months"]]
    frame = frame.rename(columns={"overdue_household_months": "overdue_hm", "share_within_target": "within_target"})
    frame["within_target"] = pd.to_numeric(frame["within_target"]).map(
        lambda v: "" if pd.isna(v) else f"{v:.0%}")
    gap = "n/a" if solution.gap is None else f"{solution.gap:.2e}"
    head = (f"{solution.scenario.name}: {solution.status.value}, objective {solution.objective:.2f} "
            f"(bound {solution.bound if solution.bound is None else round(solution.bound, 2)}, gap {gap}), "
            f"build {solution.build_seconds:.2f} s + solve {solution.solve_seconds:.2f} s\n"
            f"rule of thumb: objective {solution.rule_of_thumb.objective:.2f}, "
            f"breaks {len(solution.rule_of_thumb.violations)} rule row(s)\n")
    return head + frame.to_string(index=False)


if __name__ == "__main__":
    sys.exit(main())
