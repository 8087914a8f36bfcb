"""A sample company page for Outserve that embeds Steward's cookie banner with one script tag,
with Google Analytics, a YouTube and a Vimeo player marked for their categories (docs/banner.md).

``python -m examples.outserve.site`` serves it on http://localhost:8080, pointing the banner at
the Steward started by ``steward serve`` (http://127.0.0.1:8000 by default).
"""
