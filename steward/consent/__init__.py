"""Consent: the append-only ledger, its current state, and the marketing decisions built on it."""
