"""Solving for the app: HiGHS runs in a worker thread while the page shows its progress.

Pyomo's HiGHS interface redirects the process's stdout and stderr file descriptors while it
solves, so two solves at the same time (two browser sessions pressing Solve together) garble
each other's logs and can lose output for good. `SOLVER_LOCK` lets one solve run at a time in
the app's process; a second session waits and says so. The lock holds no data.
"""

from __future__ import annotations

import io
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from .pipeline import Solution, solve_scenario
from .schema import Scenario
from .solve import SolveOptions

T = TypeVar("T")

SOLVER_LOCK = threading.Lock()
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Progress:
    """What the page shows while a solve runs."""

    seconds: float
    """Since HiGHS was handed the model (or since the request, while waiting for the lock)."""
    time_limit: float | None
    waiting: bool
    """Another session's solve is running; this one has not started yet."""
    best_objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    """Relative gap as HiGHS reports it (0.05 = 5 %)."""

    @property
    def fraction(self) -> float:
        """Share of the time limit used, for a progress bar (never quite 1 while running)."""
        if self.waiting or not self.time_limit:
            return 0.0
        return min(self.seconds / self.time_limit, 0.99)


class LogBuffer(io.TextIOBase):
    """A text stream HiGHS's log is teed into; read from another thread while it fills."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[str] = []
        self._lock = threading.Lock()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        with self._lock:
            self._parts.append(text)
        return len(text)

    def getvalue(self) -> str:
        with self._lock:
            return "".join(self._parts)


_NUMBER = r"(-?inf|-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"
_PROGRESS_ROW = re.compile(
    r"^\s*[A-Za-z]?\s+\d+\s+\d+\s+\d+\s+[\d.]+%\s+" + _NUMBER + r"\s+" + _NUMBER
    + r"\s+(Large|inf|[\d.]+%)", re.IGNORECASE)


def highs_progress(log: str) -> tuple[float | None, float | None, float | None]:
    """(best objective, best bound, gap) from the last branch-and-bound row of a HiGHS log."""
    for line in reversed(log.splitlines()):
        match = _PROGRESS_ROW.match(line)
        if match:
            bound, best, gap = match.groups()
            return _float(best), _float(bound), (float(gap[:-1]) / 100 if gap.endswith("%") else None)
    return None, None, None


def _float(text: str) -> float | None:
    value = float(text)
    return None if value in (float("inf"), float("-inf")) else value


def run_with_solver_lock(job: Callable[[], T], on_tick: Callable[[float | None, float], None] | None,
                         poll_seconds: float = POLL_SECONDS, name: str = "quota-opt-solve") -> T:
    """`job()` in a worker thread holding SOLVER_LOCK (one HiGHS run per process). While it
    runs, `on_tick(started, requested)` is called from the caller's thread every
    `poll_seconds` (Streamlit elements may only be updated from the script's thread), with the
    perf_counter time the job got the lock (None while it waits) and the time it was asked for.
    The job's error is raised here, in the caller's thread."""
    outcome: dict[str, object] = {}
    started = {"at": None}

    def work() -> None:
        with SOLVER_LOCK:
            started["at"] = time.perf_counter()
            try:
                outcome["result"] = job()
            except BaseException as exc:  # handed to the caller's thread, which re-raises it
                outcome["error"] = exc

    requested = time.perf_counter()
    worker = threading.Thread(target=work, name=name, daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(poll_seconds)
        if on_tick is not None and worker.is_alive():
            on_tick(started["at"], requested)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["result"]  # type: ignore[return-value]


def solve_with_progress(scenario: Scenario, options: SolveOptions,
                        on_progress: Callable[[Progress], None] | None = None,
                        poll_seconds: float = POLL_SECONDS) -> Solution:
    """`solve_scenario` in a worker thread (run_with_solver_lock), with `on_progress` told the
    elapsed time and, once HiGHS runs, the best plan, bound and gap from its log."""
    log = LogBuffer()

    def tick(since: float | None, requested: float) -> None:
        if since is None:
            on_progress(Progress(time.perf_counter() - requested, options.time_limit, waiting=True))
        else:
            best, bound, gap = highs_progress(log.getvalue())
            on_progress(Progress(time.perf_counter() - since, options.time_limit, waiting=False,
                                 best_objective=best, best_bound=bound, gap=gap))

    return run_with_solver_lock(lambda: solve_scenario(scenario, options, log_stream=log),
                                tick if on_progress is not None else None, poll_seconds)
