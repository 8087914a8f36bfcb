"""The web: public privacy centre, staff console, HTTP API and the cookie banner (DESIGN.md §1).

Thin like the CLI: a route parses, calls one service and renders. ``create_app`` (in ``app``)
is built by ``steward.bootstrap.web_app`` from the settings; nothing here reads the environment.
"""
