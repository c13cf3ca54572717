"""Checks for notebook 01 (the chain rule and computational graphs): one row per graded exercise.

Each row names the check that runs named cases, the visible cases, bpkit's reference and the
mistakes the check names. The hidden cases of the same checks (other chains, points and graphs,
built from ``hidden_inputs``) are in ``bpkit_grader.nb01``. References come from formulas and
from ``bpkit.autodiff`` (``Value.backward``), never from the student's code.
"""

from __future__ import annotations

from bpkit.autodiff import Value
from bpkit.checks._core import WRONG_SIGN
from bpkit.checks._exercise import Exercise, table
from bpkit.checks.nb01 import chains, differences, ordering, propagation
from bpkit.checks.nb01 import elementary as el
from bpkit.checks.nb01.elementary import reference_local_derivatives
from bpkit.checks.nb01.graphs import (
    VISIBLE_GRAPHS,
    graph_doubling,
    graph_leaf,
    graph_neuron,
    graph_reused,
    graph_two_paths,
    graph_wide,
)
from bpkit.checks.nb01.propagation import reference_local_grads

_CHAIN_MISTAKES = (
    chains.AT_ORIGINAL_X, chains.AT_OUTPUT, chains.ADDED, chains.REVERSED, chains.ZERO_START,
    chains.ONLY_LAST, chains.VALUES_NOT_DERIVATIVES, chains.SKIPS_LAST, chains.INPUTS_REVERSED,
    chains.CHAIN_VALUE, chains.DFS_COMPOSED, chains.LIST_OF_LOCALS,
)  # fmt: skip
_DIFF_MISTAKES = (
    WRONG_SIGN, differences.FORWARD, differences.BACKWARD_DIFF, differences.OVER_H,
    differences.IGNORES_H, differences.TIMES_H, differences.OVER_2_ONLY, differences.NOT_DIVIDED,
    differences.PLUS, differences.OVER_H_SQUARED, differences.TIMES_2H,
    differences.FORWARD_OVER_2H, differences.FOUR_H, differences.SECOND_DIFF,
    *differences.FIXED_STEP.values(),
)  # fmt: skip
_LOCAL_MISTAKES = (
    el.SUM_FIRST_ONLY, el.SUM_INPUTS, el.PRODUCT_SWAPPED, el.PRODUCT_OUTPUT, el.POWER_NO_K,
    el.POWER_NOT_LOWERED, el.POWER_PRECEDENCE, el.POWER_K_MINUS_1, el.POWER_EXPONENT,
    *el.WRONG_VARIABLE.values(), *el.APPLIED_AGAIN.values(), el.TANH_ONE_MINUS_OUT,
    el.SIGMOID_OUT, el.RELU_KINK, WRONG_SIGN, *el.OUTPUT_ITSELF.values(), *el.MIXED_ROW.values(),
    el.NOT_A_TUPLE, el.EXPONENT_IS_INPUT, el.NOT_NUMBERS, el.UNKNOWN_OP,
)  # fmt: skip
_ORDER_MISTAKES = (
    ordering.NO_RETURN, ordering.NOT_A_LIST, ordering.STRAY, ordering.LISTED_TWICE,
    ordering.MISSING_NODES, ordering.REVERSED_ORDER, ordering.BEFORE_INPUT, ordering.ROOT_NOT_LAST,
)  # fmt: skip
_BACKWARD_MISTAKES = (
    propagation.OVERWRITE, propagation.NO_RESET, propagation.FORWARD_ORDER, propagation.NO_CHAIN,
    propagation.NO_SEED, propagation.RESET_TO_ONE, propagation.SWAPPED_ROLES,
    propagation.IGNORES_TABLE,
)  # fmt: skip

EXERCISES = table(
    Exercise(
        "chain_derivative",
        "chain_derivative(fs, dfs, x) -> float on several chains, against the product of the "
        "local derivatives at each link's input",
        check=chains._check_chain_derivative,
        visible={"cases": chains.VISIBLE_CHAIN},
        mistakes=_CHAIN_MISTAKES,
    ),
    Exercise(
        "central_difference",
        "central_difference(f, x, h=1e-5) -> float, against (f(x+h) - f(x-h)) / (2h)",
        check=differences._check_central_difference,
        visible={"cases": differences.VISIBLE_DIFF},
        mistakes=_DIFF_MISTAKES,
    ),
    Exercise(
        "local_derivatives",
        "local_derivatives(op, inputs, out) -> tuple, against the table of the notebook",
        check=el._check_local_derivatives,
        visible={"cases": el.VISIBLE_LOCAL},
        reference=reference_local_derivatives,
        mistakes=_LOCAL_MISTAKES,
    ),
    Exercise(
        "topological_order",
        "topological_order(root) -> list of Value on several graphs, by its properties: every "
        "node once, each after its inputs, root last",
        check=ordering._check_topological_order,
        visible={"cases": VISIBLE_GRAPHS},
        mistakes=_ORDER_MISTAKES,
    ),
    Exercise(
        "backward",
        "backward(root, local_grads) against bpkit's Value.backward() on several graphs; the "
        "check hands over its own table of local derivatives, so it is graded on its own",
        check=propagation._check_backward,
        visible={"cases": propagation.VISIBLE_BACKWARD},
        reference=Value.backward,
        mistakes=_BACKWARD_MISTAKES,
    ),
)

__getattr__, __dir__ = EXERCISES.module_hooks(globals())  # checks.<exercise>(answer)

__all__ = [
    "EXERCISES",
    "graph_doubling",
    "graph_leaf",
    "graph_neuron",
    "graph_reused",
    "graph_two_paths",
    "graph_wide",
    "reference_local_derivatives",
    "reference_local_grads",
    *EXERCISES,
]
