"""Moved to ``examples/outserve/estate/servers/mailchimp_contract.py``; re-exported here."""

from examples.outserve.estate.servers.mailchimp_contract import (
    Answer,
    MailchimpContract,
    member_hash,
    problem,
)

__all__ = ["Answer", "MailchimpContract", "member_hash", "problem"]
