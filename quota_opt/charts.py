"""Altair charts for the app, built from DataFrames with labelled columns.

Every builder takes the texts it shows (axis titles, legend titles) as arguments, so the
charts speak the page's language; none reads any state."""

from __future__ import annotations

import altair as alt
import pandas as pd

PALETTE = ["#1f6f8b", "#e07a2f", "#4e9a52", "#b5475d", "#7f63b8", "#8c6d46", "#d16fb0",
           "#5f6b73", "#b7b33b", "#2aa6b7"]
QUOTA_COLOUR = "#222222"


def main_group_colours(main_groups: list[str]) -> alt.Scale:
    """The same colour for a main group in every chart."""
    return alt.Scale(domain=main_groups, range=PALETTE[: max(1, len(main_groups))])


def housed_vs_quota(groups: pd.DataFrame, main_groups: list[str], titles: dict[str, str]) -> alt.LayerChart:
    """Bars of households housed per group, a black tick at the group's quota.

    `groups`: label, main_group_label, housed_total, quota (may be empty), in display order."""
    order = list(groups.label)
    base = alt.Chart(groups).properties(height=alt.Step(24)).encode(y=alt.Y("label:N", sort=order, title=None,
                                            axis=alt.Axis(labelLimit=320)))
    bars = base.mark_bar().encode(
        x=alt.X("housed_total:Q", title=titles["housed"]),
        color=alt.Color("main_group_label:N", scale=main_group_colours(main_groups),
                        title=titles["main_group"], legend=alt.Legend(orient="bottom", labelLimit=400)),
        tooltip=[alt.Tooltip("label:N", title=titles["group"]),
                 alt.Tooltip("housed_total:Q", title=titles["housed"]),
                 alt.Tooltip("quota:Q", title=titles["quota"])])
    ticks = base.transform_filter("isValid(datum.quota)").mark_tick(
        color=QUOTA_COLOUR, thickness=3, size=18).encode(
        x="quota:Q", tooltip=[alt.Tooltip("label:N", title=titles["group"]),
                              alt.Tooltip("quota:Q", title=titles["quota"])])
    return bars + ticks


def housed_per_period(housed: pd.DataFrame, periods: list[str], main_groups: list[str],
                      titles: dict[str, str]) -> alt.Chart:
    """Stacked bars: households housed in each period, by main group.

    `housed`: period, main_group_label, group_label, housed."""
    return alt.Chart(housed).mark_bar().encode(
        x=alt.X("period:N", sort=periods, title=titles["period"], axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(housed):Q", title=titles["housed"]),
        color=alt.Color("main_group_label:N", scale=main_group_colours(main_groups),
                        title=titles["main_group"], legend=alt.Legend(orient="top", labelLimit=400)),
        order=alt.Order("main_group_label:N"),
        tooltip=[alt.Tooltip("period:N", title=titles["period"]),
                 alt.Tooltip("main_group_label:N", title=titles["main_group"]),
                 alt.Tooltip("sum(housed):Q", title=titles["housed"])],
    ).properties(height=320)


def heatmap(frame: pd.DataFrame, rows: str, columns: str, row_order: list[str], column_order: list[str],
            titles: dict[str, str], value: str = "dwellings") -> alt.LayerChart:
    """A table of numbers coloured by size: `rows` x `columns`, each cell `value`.

    Cells missing from `frame` are shown as 0."""
    full = pd.MultiIndex.from_product([row_order, column_order], names=[rows, columns])
    data = (frame.groupby([rows, columns], as_index=True)[value].sum()
            .reindex(full, fill_value=0).reset_index())
    top = float(data[value].max()) if len(data) else 0.0
    data["dark"] = data[value] > 0.6 * top
    base = alt.Chart(data).properties(height=alt.Step(34)).encode(
        x=alt.X(f"{columns}:N", sort=column_order, title=titles.get(columns),
                axis=alt.Axis(orient="top", labelAngle=0, labelLimit=220)),
        y=alt.Y(f"{rows}:N", sort=row_order, title=None, axis=alt.Axis(labelLimit=300)))
    cells = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", scale=alt.Scale(scheme="blues"), title=titles["dwellings"],
                        legend=None),
        tooltip=[alt.Tooltip(f"{rows}:N", title=titles.get(rows)),
                 alt.Tooltip(f"{columns}:N", title=titles.get(columns)),
                 alt.Tooltip(f"{value}:Q", title=titles["dwellings"])])
    text = base.mark_text(fontSize=13).encode(
        text=alt.Text(f"{value}:Q", format=",d"),
        color=alt.condition("datum.dark", alt.value("white"), alt.value("#222222")))
    return cells + text


def queue_over_time(housed: pd.DataFrame, periods: list[str], titles: dict[str, str]) -> alt.Chart:
    """Households waiting at the end of each period (and at the start), a line per group.

    `housed`: period (including 'start'), group_label, queue, overdue."""
    order = ["start", *periods]
    labels = {"start": titles["start"]}
    data = housed.assign(moment=housed.period.map(lambda p: labels.get(p, p)))
    axis_order = [labels.get(p, p) for p in order]
    return alt.Chart(data).mark_line(point=True).encode(
        x=alt.X("moment:N", sort=axis_order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("queue:Q", title=titles["queue"]),
        color=alt.Color("group_label:N", title=titles["group"], legend=alt.Legend(orient="right", labelLimit=360)),
        tooltip=[alt.Tooltip("group_label:N", title=titles["group"]),
                 alt.Tooltip("moment:N", title=titles["period"]),
                 alt.Tooltip("queue:Q", title=titles["queue"]),
                 alt.Tooltip("overdue:Q", title=titles["overdue"])],
    ).properties(height=240)


def compare_groups(frame: pd.DataFrame, order: list[str], runs: list[str], titles: dict[str, str]) -> alt.Chart:
    """Side-by-side bars of one KPI per group, a bar per run.

    `frame`: label, run, value."""
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        yOffset=alt.YOffset("run:N", sort=runs),
        x=alt.X("value:Q", title=titles["value"]),
        color=alt.Color("run:N", sort=runs, scale=alt.Scale(range=PALETTE), title=titles["run"],
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title=titles["group"]), alt.Tooltip("run:N", title=titles["run"]),
                 alt.Tooltip("value:Q", title=titles["value"], format=",.4~f")],
    ).properties(height=max(160, (10 * len(runs) + 8) * len(order)))
