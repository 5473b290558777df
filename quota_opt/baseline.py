"""Today's rule of thumb, to show what the optimisation gains: each period, every supply cell
is split over its eligible groups in proportion to their queues (largest remainder), never
giving a group more than it has waiting. Realised periods keep what was realised."""

from __future__ import annotations

import math
from collections import defaultdict

from .data import AllocationKey, ModelData


def split_largest_remainder(n: int, weights: dict[str, float], caps: dict[str, int]) -> dict[str, int]:
    """Split n whole dwellings in proportion to `weights` (Hamilton's method), no share above
    its cap; what a capped share cannot take goes round again to the others. Ties go to the
    earlier key."""
    given = {k: 0 for k in weights}
    order = {k: i for i, k in enumerate(weights)}
    while n > 0:
        active = [k for k in weights if weights[k] > 0 and caps[k] - given[k] > 0]
        if not active:
            break
        total = sum(weights[k] for k in active)
        exact = {k: n * weights[k] / total for k in active}
        share = {k: min(math.floor(exact[k]), caps[k] - given[k]) for k in active}
        left = n - sum(share.values())
        for k in sorted(active, key=lambda k: (-(exact[k] - math.floor(exact[k])), order[k])):
            if left == 0:
                break
            if caps[k] - given[k] - share[k] > 0:
                share[k] += 1
                left -= 1
        handed = sum(share.values())
        if handed == 0:
            break
        for k in active:
            given[k] += share[k]
        n -= handed
    return given


def rule_of_thumb(data: ModelData) -> dict[AllocationKey, int]:
    """The allocation today's practice would make (see module docstring)."""
    allocation: dict[AllocationKey, int] = dict(data.realised)
    housed = {g: 0 for g in data.groups}
    frozen_in = {p: defaultdict(int) for p in data.periods}
    for key, n in data.realised.items():
        frozen_in[key[4]][key[0]] += n
    fixed = set(data.fixed_periods)
    cells_by_period: dict[str, list] = {p: [] for p in data.periods}
    for cell, keys in data.free_keys_by_cell.items():
        cells_by_period[cell[3]].append((cell, keys))
    for p in data.periods:
        for g, n in frozen_in[p].items():
            housed[g] += n
        if p in fixed:
            continue
        queue = {g: max(0, data.arrived[g, p] - housed[g]) for g in data.groups}
        room = dict(queue)
        for cell, keys in cells_by_period[p]:
            takers = {k[0]: k for k in keys}
            split = split_largest_remainder(
                data.residual[cell], {g: queue[g] for g in takers}, {g: room[g] for g in takers})
            for g, n in split.items():
                if n:
                    allocation[takers[g]] = n
                    room[g] -= n
        for g in data.groups:
            housed[g] += queue[g] - room[g]
    return allocation
