"""The version shared by every aioclient distribution (they move in lockstep)."""

__all__ = ["__version__"]

__version__ = "0.1.0.dev0"
