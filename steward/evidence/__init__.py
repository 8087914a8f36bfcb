"""Evidence anyone can verify: signed certificates of what answering a request did.

Pure: signing takes key bytes, never a path; reading and writing key files is
``steward.store.signing_key``'s job (docs/evidence.md).
"""
