"""Interactive explorers: one object per knob, shown with ``.show()`` in a notebook.

Example::

    from bpkit.widgets import LearningRateExplorer
    LearningRateExplorer().show()

Explorers: ``LearningRateExplorer`` (eta on a 1-D well, a 2-D bowl and a small net),
``InitExplorer`` (depth, activation and initializer vs per-layer statistics),
``BatchSizeExplorer`` (SGD to full batch on a 2-parameter regression) and
``RegularizationExplorer`` (L2/L1, dropout and early stopping on a small noisy set) and
``BPTTExplorer`` (sequence length and the radius of W_h vs gradient norms through time) and
``OptimizersExplorer`` (five update rules side by side on 2-D surfaces) and
``BackpropExplorer`` (one training step, phase by phase, on the network diagram) and
``PlaygroundExplorer`` (a small network that trains live on 2-D data).
"""

from bpkit.widgets._base import Explorer
from bpkit.widgets.backprop import BackpropExplorer
from bpkit.widgets.batch_size import BatchSizeExplorer
from bpkit.widgets.bptt import BPTTExplorer
from bpkit.widgets.initialization import InitExplorer
from bpkit.widgets.learning_rate import LearningRateExplorer
from bpkit.widgets.optimizers import OptimizersExplorer
from bpkit.widgets.playground import PlaygroundExplorer
from bpkit.widgets.regularization import RegularizationExplorer

__all__ = [
    "BackpropExplorer",
    "BPTTExplorer",
    "BatchSizeExplorer",
    "Explorer",
    "InitExplorer",
    "LearningRateExplorer",
    "OptimizersExplorer",
    "PlaygroundExplorer",
    "RegularizationExplorer",
]
