"""Curiosity Explorer: a map of ML math scored by decision relevance."""

__version__ = "0.1.0"
