"""The Mailchimp contract server now lives with the Outserve estate, so the demo can run it;
these names stay importable from here for the tests that use them."""

from examples.outserve.estate.servers.mailchimp import (
    MailchimpServer,
    SeenRequest,
    running_mailchimp,
)

__all__ = ["MailchimpServer", "SeenRequest", "running_mailchimp"]
