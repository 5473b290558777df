"""Brute-force oracle for micro instances: enumerate every integer allocation within the
supply of each cell, keep those the independent checker accepts, take the least objective.

Only the choices spec §3 leaves open are enumerated: periods after `fixed_through`, cells
with supply, and in each cell any split of at most its supply over the groups for which the
type is eligible. The realised part is added as given. Anything else (an ineligible type, a
cell without supply, a realised period changed) breaks a rule outright, so leaving it out
loses no feasible allocation.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

try:
    from .checker import Instance, Key
except ImportError:  # tests/ on sys.path rather than a package
    from checker import Instance, Key


@dataclass(frozen=True)
class OracleResult:
    feasible: bool
    objective: float | None
    allocation: dict[Key, int] | None
    """One allocation reaching the optimum (the first found)."""
    enumerated: int


def free_choices(instance: Instance) -> list[tuple[tuple, list[str]]]:
    """(cell, groups that may take it) for every cell the optimisation may still use."""
    out = []
    for cell, supply in sorted(instance.supply.items()):
        _, _, t, p = cell
        if supply <= 0 or instance.position[p] <= instance.fixed_through:
            continue
        groups = [g for g in instance.groups if t in instance.eligible[g]]
        if groups:
            out.append((cell, groups))
    return out


def count_keys(instance: Instance) -> int:
    return sum(len(groups) for _, groups in free_choices(instance))


def _splits(total: int, parts: int):
    """Every vector of `parts` non-negative integers with sum <= total."""
    if parts == 0:
        yield ()
        return
    for first in range(total + 1):
        for rest in _splits(total - first, parts - 1):
            yield (first, *rest)


def brute_force(instance: Instance, max_allocations: int = 200_000) -> OracleResult:
    """The least objective over all feasible integer allocations, or infeasible."""
    choices = free_choices(instance)
    per_cell = [list(_splits(instance.supply[cell], len(groups))) for cell, groups in choices]
    size = 1
    for options in per_cell:
        size *= len(options)
    if size > max_allocations:
        raise ValueError(f"{size} allocations: too many for the brute-force oracle")
    best, best_x, count = None, None, 0
    for combination in itertools.product(*per_cell):
        count += 1
        x: dict[Key, int] = dict(instance.realised)
        for (cell, groups), split in zip(choices, combination):
            c, d, t, p = cell
            for g, n in zip(groups, split):
                if n:
                    x[g, t, c, d, p] = n
        if instance.violations(x):
            continue
        value = instance.objective(x)
        if best is None or value < best - 1e-9:
            best, best_x = value, x
    return OracleResult(feasible=best is not None, objective=best, allocation=best_x,
                        enumerated=count)
