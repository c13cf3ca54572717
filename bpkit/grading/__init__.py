"""The grading pipeline behind the ``bpkit`` command: release, collect, grade, feedback, export.

Built on nbgrader's Python API. Each module holds one step:

- :mod:`~bpkit.grading.course`: the course folder, its config and its gradebook;
- :mod:`~bpkit.grading.collect`: LMS downloads into nbgrader's ``submitted/`` layout;
- :mod:`~bpkit.grading.sanitize`: checks and cleans each submission before grading;
- :mod:`~bpkit.grading.tamper`: static scan for monkeypatching;
- :mod:`~bpkit.grading.runner` and :mod:`~bpkit.grading.worker`: parallel autograding, one process
  per student;
- :mod:`~bpkit.grading.status`: the per-student status ledger;
- :mod:`~bpkit.grading.export`: the gradebook as CSV;
- :mod:`~bpkit.grading.validate`: the student's self-check;
- :mod:`~bpkit.grading.policy`, :mod:`~bpkit.grading.stderr`, :mod:`~bpkit.grading.kernel_output`:
  how cells are scored (timeouts, warnings, huge output).
"""
