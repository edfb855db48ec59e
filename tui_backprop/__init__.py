"""backprop-tui: watch backpropagation one gate at a time."""

__version__ = "0.1.0"
