"""nbgrader configuration for the bpkit course.

`solutions/` is the instructor source (with solutions and hidden tests) and `course/` is the
student release. Every nbgrader command run from this folder reads this file.
"""

import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

ROOT = Path(__file__).resolve().parent

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "bpkit"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "course"

# Hidden tests import the grader-only package `bpkit_grader`, which lives in the instructor's
# repository and is not part of the installed `bpkit` distribution. Kernels started by nbgrader
# inherit this environment, so they can import it.
_paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(_paths))

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
