"""Interactive explorers: one object per knob, shown with ``.show()`` in a notebook.

Example::

    from bpkit.widgets import LearningRateExplorer
    LearningRateExplorer().show()
"""

from bpkit.widgets._base import Explorer
from bpkit.widgets.initialization import InitExplorer
from bpkit.widgets.learning_rate import LearningRateExplorer

__all__ = ["Explorer", "InitExplorer", "LearningRateExplorer"]
