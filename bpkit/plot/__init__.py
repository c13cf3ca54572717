"""Figures for the course, matplotlib only, one colour-blind-safe palette (Okabe-Ito).

Every function takes an optional ``ax`` (or axes) to draw into, returns what it drew on, and
labels its axes in the course notation (z, a, delta, W, eta, L).

    training_curves(history)                 train/validation loss (and metric), early stop marked
    decision_boundary(model, X, y)           decision regions of a 2-D classifier
    loss_surface(L, xlim, ylim, paths)       contours of L over two parameters, with GD paths
    draw_graph(value)                        the computational graph of an autodiff Value
    layer_histograms(model)                  per-layer histograms of a and dL/da
    grad_norms(model)                        ||dL/dW|| against depth
    saturation(model)                        saturated / dead fraction per layer
    update_ratios(ratios)                    ||eta dW|| / ||W|| over time
    weights(W or model)                      weight matrices as images
"""

from bpkit.plot._style import OKABE_ITO, PALETTE
from bpkit.plot.curves import training_curves, update_ratios
from bpkit.plot.graph import draw_graph, graph_layout
from bpkit.plot.network import grad_norms, layer_histograms, saturation, weights
from bpkit.plot.surfaces import decision_boundary, loss_surface

__all__ = [
    "OKABE_ITO",
    "PALETTE",
    "decision_boundary",
    "draw_graph",
    "grad_norms",
    "graph_layout",
    "layer_histograms",
    "loss_surface",
    "saturation",
    "training_curves",
    "update_ratios",
    "weights",
]
