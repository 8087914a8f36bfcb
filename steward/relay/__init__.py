"""The contact-form relay's rules (issue 12 item 6), pure: what an enquiry must look like before
it is forwarded, and how spam and forms from elsewhere are told apart. No store, no network:
``steward.services.contact_relay`` sends and counts."""
