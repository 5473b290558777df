"""Errors named after what the user did or faces: invalid input, an infeasible scenario,
or a solver failure. The command line maps them to exit codes 2, 3 and 1 (spec §5)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file: where (a field path) and which value."""

    field: str
    message: str
    value: Any = None

    def render(self, source: str | None = None) -> str:
        where = f"{source}: " if source else ""
        shown = _show(self.value)
        return f"{where}{self.field}: {self.message} (value: {shown})"


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 120 else text[:117] + "..."


class ScenarioError(ValueError):
    """The scenario file is invalid; carries every problem found, not only the first."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        lines = [p.render(source) for p in self.problems]
        header = f"{source}: {len(lines)} problem(s) in the scenario"
        super().__init__("\n".join([header, *lines]))


class InfeasibleScenarioError(RuntimeError):
    """The hard rules of the scenario conflict; carries the diagnosis (a DataFrame)."""

    def __init__(self, diagnosis, message: str):
        self.diagnosis = diagnosis
        super().__init__(message)


class SolverError(RuntimeError):
    """HiGHS failed in a way that is not the user's doing."""
