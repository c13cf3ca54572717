"""Hidden cases for notebook 03: the visible checks' logic on other seeds, shapes and bowls.

The bowls and gradient functions are built from helpers of ``bpkit.checks.nb03`` (its bowls and
the gradient functions of its ``descent`` module): the kernel unpickles these cases, where this
package cannot be imported.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bpkit.checks import nb03 as m
from bpkit.checks.nb03 import descent

_A = m.rotated_bowl([2.0, 30.0], 60.0)
_B = m.random_spd([0.2, 1.5, 6.0, 11.0], seed=41)

HIDDEN: dict[str, dict[str, Any]] = {
    # more keys, other shapes and learning rates
    "gd_step": {
        "cases": [
            (
                "three arrays of different shapes, eta = 0.3",
                {"0.W": (4, 3), "0.b": (4,), "2.W": (1, 4)},
                (),
                0.3,
                11,
            ),
            (
                "the named_params() of mlp([3, 6, 5, 2]), eta = 1.0",
                None,
                (3, 6, 5, 2),
                1.0,
                12,
            ),
            ("a (2, 2, 2) array, eta = 2.5", {"T": (2, 2, 2)}, (), 2.5, 13),
        ],
    },
    # 3-D bowls, a coupled non-quadratic, a single step
    "gradient_descent": {
        "cases": [
            (
                "a 3-D bowl with eigenvalues 0.3, 1, 5, eta = 0.35, 7 steps",
                descent._Linear(m.random_spd([0.3, 1.0, 5.0], seed=21)),
                [1.0, -2.0, 0.5],
                0.35,
                7,
            ),
            (
                "a diverging 2-D bowl (eta above 2/lambda_max), 6 steps",
                descent._Linear(m.rotated_bowl([2.0, 8.0], 50.0)),
                [0.4, -0.3],
                0.3,
                6,
            ),
            (
                "a coupled non-quadratic from [0.5, -1.0], eta = 0.1, 9 steps",
                descent._quartic_mix,
                [0.5, -1.0],
                0.1,
                9,
            ),
            ("one step", descent._Linear([[2.0]]), [3.0], 0.2, 1),
        ],
    },
    # other eigenvalues, rotations and dimensions
    "largest_stable_eta": {
        "cases": [
            ("a 1-D bowl A = [[0.25]]", np.array([[0.25]])),
            (
                "a bowl with curvatures 3 and 50 rotated by 70 degrees",
                m.rotated_bowl([3.0, 50.0], 70.0),
            ),
            (
                "a 4-D bowl with eigenvalues 0.1, 1, 4, 9",
                m.random_spd([0.1, 1.0, 4.0, 9.0], seed=31),
            ),
        ],
    },
    # both arms of the V and the best learning rate
    "convergence_rate": {
        "cases": [
            ("a bowl (2, 30) rotated by 60 degrees at the best eta 2/32", _A, 2.0 / 32.0),
            ("the same bowl at eta = 0.005 (crawl)", _A, 0.005),
            ("the same bowl at eta = 0.09 (divergence)", _A, 0.09),
            ("a 4-D bowl at eta = 0.17", _B, 0.17),
        ],
    },
    # other nets, data and learning rates
    "train_full_batch": {
        "cases": [
            (
                "mlp([1, 12, 1], relu) on regression_1d(n=40), eta = 0.1, 5 epochs",
                (1, 12, 1),
                "relu",
                40,
                0.1,
                5,
                7,
            ),
            (
                "mlp([4, 6, 6, 3], tanh) on random data (n=15), eta = 0.8, 3 epochs",
                (4, 6, 6, 3),
                "tanh",
                15,
                0.8,
                3,
                8,
            ),
            ("one epoch", (2, 3, 1), "sigmoid", 9, 1.5, 1, 9),
        ],
    },
}
