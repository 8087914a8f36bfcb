"""Outserve Limited: the reference deployment (manifest, dataset maps, estate generator)."""
