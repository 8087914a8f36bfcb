"""Data-subject requests: the pure rules of their lifecycle (no SQL, no I/O)."""
