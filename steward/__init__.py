"""Steward: a UK organisation's privacy promises, declared once, enforced and provable."""

__version__ = "0.1.0"
