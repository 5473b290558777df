"""quota-opt: divide a city's annual quota of social-rental dwellings for vulnerable groups.

    from quota_opt import load_scenario, solve_scenario, SolveOptions
    solution = solve_scenario(load_scenario("data/amsterdam-2020.yaml"))
"""

from .errors import InfeasibleScenarioError, Problem, ScenarioError, SolverError
from .io import load_scenario, save_scenario
from .pipeline import Solution, solve_scenario
from .schema import Scenario, parse_scenario
from .solve import SolveOptions, Status

__all__ = [
    "InfeasibleScenarioError", "Problem", "Scenario", "ScenarioError", "Solution",
    "SolveOptions", "SolverError", "Status", "load_scenario", "parse_scenario",
    "save_scenario", "solve_scenario",
]
