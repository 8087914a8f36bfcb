"""UK privacy rules as pure functions with every date passed in (RULES.md; DESIGN.md §1)."""
