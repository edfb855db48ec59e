"""The terminal stepper. Public entry: ``from tui_backprop.app import BackpropApp``."""

from .app import BackpropApp

__all__ = ["BackpropApp"]
