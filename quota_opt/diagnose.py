"""Infeasibility in the user's words: an elastic relaxation over the named rule families.

Every relaxable row gets a slack in dwellings; the elastic MIP minimises the penalised total
(facts such as supply and arrivals cost far more than the steering group's own rules), and
every row with a positive slack is a rule that has to give way, by that many dwellings."""

from __future__ import annotations

import pandas as pd
import pyomo.environ as pyo

from .data import ALL, ModelData
from .formulation import RULES, build_model
from .solve import SolveOptions, SolverRun, Status, run_highs

ID_COLUMNS = ["group", "main_group", "dwelling_type", "corporation", "district", "period",
              "dimension", "element"]
DIAGNOSIS_COLUMNS = ["rule", "spec", "text", "side", "give_way", *ID_COLUMNS]


def diagnose(data: ModelData, options: SolveOptions) -> tuple[pd.DataFrame, SolverRun]:
    """Rows of DIAGNOSIS_COLUMNS, largest give-way first; `side` is 'lower' when the rule's
    minimum must come down (or its total up), 'upper' when its maximum must go up."""
    m = build_model(data, elastic=True)
    run = run_highs(m, options.model_copy(update={"mip_gap": 0.0}))
    rows = []
    if run.status.has_plan:
        for name, short, excess in m.slacks:
            rule = RULES[name]
            for side, var in (("lower", short), ("upper", excess)):
                for key in var:
                    amount = pyo.value(var[key])
                    if amount is None or amount <= 1e-6:
                        continue
                    index = key if isinstance(key, tuple) else (key,)
                    ids = {col: None for col in ID_COLUMNS}
                    for col, value in zip(rule.index, index):
                        if col in ids and value != ALL:
                            ids[col] = value
                    rows.append({"rule": name, "spec": rule.spec, "text": rule.describe(*index),
                                 "side": side, "give_way": round(amount, 4), **ids})
    frame = pd.DataFrame(rows, columns=DIAGNOSIS_COLUMNS)
    return frame.sort_values("give_way", ascending=False, kind="stable").reset_index(drop=True), run


def diagnosis_sentences(frame: pd.DataFrame) -> list[str]:
    """'min_housed of group smu must give way by 384 dwellings (lower bound too high)'."""
    out = []
    for row in frame.itertuples(index=False):
        amount = f"{row.give_way:g}"
        what = "its minimum is too high" if row.side == "lower" else "its maximum is too low"
        out.append(f"{row.text}: must give way by {amount} dwelling(s) ({what})")
    return out


__all__ = ["diagnose", "diagnosis_sentences", "DIAGNOSIS_COLUMNS", "Status"]
