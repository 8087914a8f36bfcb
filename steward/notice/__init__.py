"""Compiled outputs: pure functions from a manifest to published documents (DESIGN.md §1).

Each output is text or bytes computed from the manifest alone, dated by the notice's declared
``last_updated`` day, so the same manifest always gives byte-identical files.
"""
