"""SaaS tools (HubSpot, Zendesk, Mailchimp) reached through declarative definitions.

``definitions/*.yaml`` say what each vendor's API looks like; ``definition.py`` validates them;
``runner.py`` turns one into a ``Connector``; ``hooks.py`` holds what data cannot say.
"""
