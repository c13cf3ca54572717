"""bpkit: learn backpropagation by writing it."""

__version__ = "0.1.0"
