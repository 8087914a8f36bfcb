"""Local stand-ins for the SaaS tools of the Outserve estate (HubSpot, Zendesk, Mailchimp).

Each implements the slice of the vendor's documented API that Steward calls, over real HTTP on
127.0.0.1, loaded from seed data in the vendor's own object shape. Tests and the demo use them;
``python -m examples.outserve.estate.servers`` starts them. See README.md here.
"""
