"""BinaryProgram on programs whose optimum is known: one whose linear relaxation already has it, one whose relaxation
is fractional (an odd cycle of conflicts), an infeasible one, and a time limit too short for anything."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.team.milp import BinaryProgram


def test_a_relaxation_with_a_binary_optimum_is_the_answer() -> None:
    program = BinaryProgram()
    x = program.variables([3.0, 2.0, 1.0, 0.5])
    program.row([(v, 1.0) for v in x], lo=2, hi=2)  # exactly two
    program.row([(x[0], 1.0), (x[1], 1.0)], hi=1)  # not both of the first two

    solution = program.solve(5.0)

    assert solution.values is not None
    assert solution.values.tolist() == [1, 0, 1, 0]
    assert solution.objective == pytest.approx(4.0)
    assert solution.optimal is True and solution.infeasible is False


def test_a_fractional_relaxation_goes_on_to_branch_and_bound() -> None:
    # three partners in pairwise conflict: the relaxation takes half of each (1.5), the program only one of them
    program = BinaryProgram()
    x = program.variables([1.0, 1.0, 1.0])
    for a, b in ((0, 1), (1, 2), (0, 2)):
        program.row([(x[a], 1.0), (x[b], 1.0)], hi=1)

    solution = program.solve(5.0)

    assert solution.values is not None and int(solution.values.sum()) == 1
    assert solution.objective == pytest.approx(1.0)
    assert solution.optimal is True


def test_an_infeasible_program_says_so() -> None:
    program = BinaryProgram()
    x = program.variables([1.0, 1.0])
    program.row([(v, 1.0) for v in x], lo=3)

    solution = program.solve(5.0)

    assert solution.infeasible is True and solution.values is None


def test_forbidden_variables_stay_at_zero() -> None:
    program = BinaryProgram()
    x = program.variables([5.0, 1.0])
    program.forbid(x[0])

    solution = program.solve(5.0)

    assert solution.values is not None and solution.values.tolist() == [0, 1]


def test_no_time_left_gives_no_answer_rather_than_a_wrong_one() -> None:
    rng = np.random.default_rng(1)
    program = BinaryProgram()
    x = program.variables(rng.random(200))
    for a, b in rng.integers(0, 200, (600, 2)):
        if a != b:
            program.row([(x[int(a)], 1.0), (x[int(b)], 1.0)], hi=1)
    program.row([(v, 1.0) for v in x], lo=20, hi=20)

    solution = program.solve(1e-9)

    assert solution.optimal is False and solution.infeasible is False
    assert solution.values is None
