"""The request engine: plans a data-subject request's traversal from the dataset maps and runs it
step by step through connectors, recording each step's evidence (DESIGN.md §1, "Engine")."""
