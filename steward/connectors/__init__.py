"""Connectors to the organisation's own systems (databases, files, SaaS APIs).

Each connector speaks to one outside system through an injected client and translates that
system's failures into ``steward.errors.ConnectorError`` (DESIGN.md §5 item 7).
"""
