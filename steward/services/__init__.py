"""Core services: the use cases entry points call (list import, marketing filter, unsubscribe).

Each takes a store or a unit of work and values, applies the pure rules of ``steward.consent``
and ``steward.law``, and writes through the repositories of ``steward.store``. They never import
the CLI, the web layer or a connector (DESIGN.md §5 items 2-3).
"""
