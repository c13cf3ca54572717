"""nbgrader configuration for the bpkit course.

`solutions/` is the instructor source (with solutions and hidden tests) and `course/` is the
student release. Every nbgrader command run from this folder reads this file.
"""

import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

ROOT = Path(__file__).resolve().parent

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "bpkit"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"

# Hidden tests are judged by the grader, in this process, with the grader-only package
# `bpkit_grader` that lives next to this file (it is not part of the installed `bpkit`
# distribution, and student kernels never import it).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading policy, shared by `bpkit grade`, `bpkit validate` and plain nbgrader commands (the full
# reasoning is in bpkit/grading/policy.py and bpkit/grading/stderr.py):
# - stderr: a Python warning (e.g. a RuntimeWarning from a correct answer) is moved to stdout and
#   does not zero the test cell; exceptions still do, and so does any other stderr text;
# - timeouts: 30 s per cell (`bpkit grade --timeout`); on timeout the cell scores 0 and grading
#   goes on with the next cell;
# - OverwriteCells.add_missing_cells = True: deleted test cells are put back (edited ones are
#   always restored);
# - huge output: the grading kernel keeps the first 2000 lines per cell, the graded notebook 1000.
from bpkit.grading.policy import apply_grading_policy  # noqa: E402

apply_grading_policy(c)
