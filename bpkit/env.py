"""Where the code is running: an interactive session, or nbgrader's validate/autograde."""

import os


def is_grading() -> bool:
    """Return True while nbgrader executes the notebook (validate or autograde).

    nbgrader sets the ``NBGRADER_EXECUTION`` environment variable for its kernels. Notebook cells
    that only demonstrate (long experiments, big plots, explorers) are wrapped in
    ``if not is_grading():`` so grading stays fast.
    """
    return bool(os.environ.get("NBGRADER_EXECUTION"))
