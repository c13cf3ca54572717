"""Hidden checks, for the instructor's repository only (never shipped to students).

The hidden-test blocks of the notebooks import ``bpkit_grader.nbNN``. nbgrader and the notebook
tests put the repository root on PYTHONPATH so kernels can import it.
"""
