"""The Outserve estate: a deterministic generator of Outserve's systems and their dataset maps.

See README.md beside this file: what is generated, the planted cases, how to run it.
"""
