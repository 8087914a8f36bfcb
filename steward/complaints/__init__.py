"""Complaints to the controller (DPA 2018 s.164A): the pure rules, with no store and no I/O.

``intake`` says what a valid complaint needs, ``lifecycle`` which steps may follow which,
``clock`` when each step is due (the 30-day acknowledgement from ``steward.law.deadlines``) and
``acknowledgement`` what the acknowledgement says. RULES.md §7; docs/complaints.md.
"""
