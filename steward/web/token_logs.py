"""Keep the unsubscribe link's token out of the server's access log.

The token in ``/u/TOKEN``, ``/unsubscribe/TOKEN`` and ``/preferences/TOKEN`` (and their API
twins) names nobody by itself, but whoever holds it can change that person's marketing
preferences. uvicorn's access log writes each request's path, so a filter on its logger
replaces the token with ``[token]`` before the line is written (DESIGN.md §3: nothing that
reaches a person's records goes to a log line). A proxy in front keeps its own log: docs/web.md.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
_TOKEN_PATH = re.compile(r"^(/(?:api/)?(?:u|unsubscribe|preferences))/[^/?\s]+")


def redacted(path: str) -> str:
    """``path`` with a link token replaced by ``[token]``; other paths unchanged."""
    return _TOKEN_PATH.sub(r"\1/[token]", path)


class TokenRedaction(logging.Filter):
    """Rewrites the path argument of uvicorn's access log records (client, method, path, ...)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redacted(args[2]), *args[3:])
        return True


def install(logger_name: str = ACCESS_LOGGER) -> None:
    """Add the filter to the access logger once (each worker calls it as it starts)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, TokenRedaction) for f in logger.filters):
        logger.addFilter(TokenRedaction())
