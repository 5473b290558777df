"""A separate process that writes into a store, for the kill-during-save and two-writer tests.

    python tests/store_worker.py URL save N CELLS   save N runs of one scenario, each with an
                                                    allocation of CELLS cells, then exit 0
    python tests/store_worker.py URL forever CELLS  save runs until killed

Each run's allocation has dwellings 1..CELLS (sum CELLS*(CELLS+1)/2), so a reader can tell a
whole allocation from a torn one. Prints 'started' once the store is open, and the run ids."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quota_opt.io import load_scenario  # noqa: E402
from quota_opt.store import Store  # noqa: E402

SCENARIO = Path(__file__).resolve().parents[1] / "data" / "amsterdam-2020.yaml"


def allocation(cells: int) -> pd.DataFrame:
    return pd.DataFrame({"group": [f"g{i % 97}" for i in range(cells)], "dwelling_type": "t",
                         "corporation": [f"c{i // 97}" for i in range(cells)], "district": "d",
                         "period": "Q1", "dwellings": range(1, cells + 1)})


def save_one(store: Store, scenario, cells: int, number: int) -> int:
    run_id = store.start_run(scenario, f"worker run {number}", "solve", {"time_limit": 1})
    total = cells * (cells + 1) // 2
    store.finish_run(run_id, status="optimal", summary={"objective": float(total), "dwellings_allocated": total},
                     allocation=allocation(cells), solver_log="log line\n" * cells,
                     tables={"cells": allocation(min(cells, 50))})
    return run_id


def main(url: str, mode: str, *rest: str) -> int:
    store = Store(url)
    scenario = load_scenario(SCENARIO)
    print("started", flush=True)
    if mode == "save":
        count, cells = int(rest[0]), int(rest[1])
        for number in range(count):
            print(save_one(store, scenario, cells, number), flush=True)
        return 0
    cells, number = int(rest[0]), 0
    while True:
        print(save_one(store, scenario, cells, number), flush=True)
        number += 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
