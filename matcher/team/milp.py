"""A small builder for 0/1 programs solved by ``scipy.optimize.milp`` (HiGHS), maximising, with a time limit."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp


@dataclass(frozen=True, slots=True)
class Solution:
    """``values`` of the variables (None: no feasible point found), the objective, whether it is proven optimal."""

    values: np.ndarray | None
    objective: float
    optimal: bool
    infeasible: bool


@dataclass(slots=True)
class BinaryProgram:
    """Binary variables with objective weights, and rows ``lo <= sum(coef * var) <= hi``."""

    weights: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    rows: list[tuple[list[int], list[float], float, float]] = field(default_factory=list)

    def variable(self, weight: float = 0.0) -> int:
        self.weights.append(weight)
        self.upper.append(1.0)
        return len(self.weights) - 1

    def variables(self, weights: Iterable[float]) -> list[int]:
        return [self.variable(w) for w in weights]

    def forbid(self, var: int) -> None:
        self.upper[var] = 0.0

    def row(self, terms: Iterable[tuple[int, float]], lo: float = -math.inf, hi: float = math.inf) -> None:
        items = list(terms)
        self.rows.append(([v for v, _ in items], [c for _, c in items], lo, hi))

    def solve(self, time_limit: float) -> Solution:
        """Maximise within ``time_limit`` seconds. The linear relaxation first: when its optimum is a 0/1 point it
        is the program's optimum too (and a relaxation without a solution proves the program infeasible), which is
        the common case for team programs and several times faster than branch and bound (HiGHS's MIP has a fixed
        cost of its own); otherwise the MIP, with the time left."""
        n = len(self.weights)
        if n == 0:
            return Solution(np.zeros(0), 0.0, True, False)
        started = time.monotonic()
        relaxed = self._run(np.zeros(n), time_limit)
        if relaxed.status == 2:
            return Solution(None, math.nan, False, True)
        if relaxed.status == 0 and relaxed.x is not None and _binary(relaxed.x):
            return self._solution(relaxed.x, optimal=True)
        left = time_limit - (time.monotonic() - started)
        if left <= 0:
            return Solution(None, math.nan, False, False)
        result = self._run(np.ones(n), left)
        if result.status == 2:
            return Solution(None, math.nan, False, True)
        if result.x is None:
            return Solution(None, math.nan, False, False)
        return self._solution(result.x, optimal=result.status == 0)

    def _run(self, integrality: np.ndarray, time_limit: float) -> OptimizeResult:
        n = len(self.weights)
        constraints = []
        if self.rows:
            data, cols, indptr, lo, hi = [], [], [0], [], []
            for vars_, coefs, row_lo, row_hi in self.rows:
                cols.extend(vars_)
                data.extend(coefs)
                indptr.append(len(cols))
                lo.append(row_lo)
                hi.append(row_hi)
            matrix = sp.csr_array((data, cols, indptr), shape=(len(self.rows), n))
            constraints.append(LinearConstraint(matrix, np.array(lo), np.array(hi)))
        return milp(
            -np.asarray(self.weights),
            constraints=constraints,
            integrality=integrality,
            bounds=Bounds(np.zeros(n), np.asarray(self.upper)),
            options={"time_limit": float(time_limit), "disp": False},
        )

    def _solution(self, x: np.ndarray, *, optimal: bool) -> Solution:
        values = np.round(x).astype(np.int8)
        return Solution(values, float(np.dot(self.weights, values)), optimal, False)


def _binary(x: np.ndarray, tolerance: float = 1e-6) -> bool:
    """Whether every value is within ``tolerance`` of 0 or 1 (rows and bounds are integral, so rounding keeps the
    point feasible)."""
    return bool(np.all(np.minimum(np.abs(x), np.abs(1 - x)) <= tolerance))
