"""mlrtui: a terminal console to run, steer and judge AI research agents."""

__version__ = "0.1.0"
