"""Steward's own database: tables, migrations, encrypted identifiers and the audit chain."""
