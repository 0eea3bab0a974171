"""Tradeoff: a self-hosted product management workbench for technical product managers."""

__version__ = "0.1.0"
