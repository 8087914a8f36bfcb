"""The rules of staff access to the console: roles and permissions, the password policy,
second factors (TOTP and recovery codes), lockout and throttling, and session lifetimes.

Pure: no store, no service, no web (pyproject ``[tool.importlinter]``, "pure-staff-rules").
Time is always passed in (``now``); the store and ``steward.services.staff`` apply these rules.
"""
