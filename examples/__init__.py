"""Example deployments of Steward (the Outserve reference estate)."""
