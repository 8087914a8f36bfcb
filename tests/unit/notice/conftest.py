"""A complete, lawful manifest that uses every part of the notice, and the Outserve examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "outserve"

COMPLETE = """\
steward: 1
organisation:
  name: Example Ltd
  trading_name: Example Services
  company_number: "01234567"
  registered_address:
    lines: [1 High Street, Exampleton]
    postcode: EX1 1AA
  privacy_contact:
    name: Pat Privacy
    email: privacy@example.co.uk
    phone: "+44 1234 567890"
  dpo:
    name: Dana Officer
    email: dpo@example.co.uk
  ico_registration: ZA123456
  security_measures: [encryption at rest, two-factor authentication]
notice:
  title: Example privacy notice
  last_updated: 2026-11-26
  statements:
    intro: We look after your data with care_and_attention.
    our_values: We never sell personal data.
rights:
  channels: [email, web_form]
  contact:
    email: privacy@example.co.uk
  complaints:
    form_url: https://example.co.uk/complaints
    email: complaints@example.co.uk
data_subjects:
  - id: customer
    name: Customers
  - id: employee
    name: Employees
data_categories:
  - id: contact_details
    name: Contact details
    examples: [name, email address]
    retention: six_years
  - id: health_data
    name: Health information
    special_category: health
    retention: employment_end
  - id: criminal_records
    name: Criminal record checks
    criminal_offence: true
    retention: employment_end
  - id: bought_leads
    name: Bought business leads
    retention: two_years
purposes:
  - id: service_delivery
    name: Delivering the service
    data_subjects: [customer]
    categories: [contact_details]
    lawful_basis: contract
    recipients: [cloudhost, indiadesk]
    systems: [crm]
    provision:
      requirement: contract_entry
      obligatory: true
      consequence: We cannot provide the service.
  - id: newsletter
    name: Email newsletter
    data_subjects: [customer]
    categories: [contact_details]
    lawful_basis: consent
    systems: [mailer]
    marketing:
      channels: [email]
      pecr_rule: consent
      audience: customers
      opt_out_in_every_message: true
  - id: employment
    name: Employment
    data_subjects: [employee]
    categories: [contact_details, health_data, criminal_records]
    lawful_basis: legal_obligation
    special_category_condition:
      article_9: 9(2)(b)
      schedule_1: para_1
      appropriate_policy_document: APD-HR-1
    criminal_offence_condition:
      schedule_1: para_1
      appropriate_policy_document: APD-HR-1
    aggregate_only: true
  - id: lead_scoring
    name: Scoring business leads
    data_subjects: [customer]
    categories: [bought_leads]
    lawful_basis: legitimate_interests
    legitimate_interests: Finding businesses likely to need our services.
    lia_reference: LIA-7
    sources: [{kind: third_party, name: Lead broker Ltd}]
    automated_decisions:
      used: true
      logic: A score from company size and sector.
      significance: Decides whether we contact you.
      safeguards: A person reviews every score on request.
recipients:
  - id: cloudhost
    name: CloudHost Inc.
    role: processor
    category: Hosting
    country: US
    privacy_policy_url: https://cloudhost.example/privacy
    processing_contract: true
    transfer:
      mechanisms: [uk_extension_dpf]
      dpf_uk_extension: true
  - id: indiadesk
    name: IndiaDesk Pvt Ltd
    role: processor
    category: Support desk
    country: IN
    processing_contract: false
    transfer:
      mechanisms: [idta]
      transfer_risk_assessment: TRA-2026-3
      safeguard_copy: Email privacy@example.co.uk for a copy of the IDTA.
  - id: oldvendor
    name: OldVendor Inc.
    role: controller
    category: Analytics
    country: US
    transfer:
      mechanisms: [eu_us_privacy_shield]
retention:
  - id: six_years
    description: Six years after the contract ends
    trigger_event: contract_end
    period: 6 years
    action: delete
    citation: Limitation Act 1980 s.5
  - id: employment_end
    description: Six years after employment ends
    trigger_event: employment_end
    period: 6 years
    action: delete
  - id: two_years
    description: Two years after collection
    trigger_event: collected
    period: 2 years
    action: anonymise
cookies:
  - name: steward_consent
    provider: Example Ltd
    purpose: Remembers your cookie choices.
    category: strictly_necessary
    duration: 1 year
    party: first
    exemption: strictly_necessary
    loads: page_load
  - name: _ga
    provider: Google Analytics
    recipient: oldvendor
    purpose: Counts visits.
    category: analytics
    duration: 2 years
    party: third
    loads: after_consent
systems:
  - id: crm
    name: Customer database
    kind: postgresql
    recipient: cloudhost
    location: US
    categories: [contact_details]
    connection: {url: env:CRM_URL}
  - id: mailer
    name: Mailchimp audience
    kind: mailchimp
    categories: [contact_details]
    connection: {api_key: env:MAILCHIMP_KEY}
changes:
  - date: 2026-02-05
    summary: Updated for the Data (Use and Access) Act 2025.
  - date: 2026-11-26
    summary: Added the complaints form.
"""


@pytest.fixture(scope="session")
def complete(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    path = tmp_path_factory.mktemp("complete") / "manifest.yaml"
    path.write_text(COMPLETE, encoding="utf-8")
    return load_manifest(path)


@pytest.fixture(scope="session")
def outserve() -> Manifest:
    return load_manifest(EXAMPLES)
