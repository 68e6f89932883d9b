"""NHSP status report: data → validated model → generated blocks → Quarto."""

__version__ = "0.1.0"
