"""The manifest: the organisation's declaration of its processing, typed and validated."""
