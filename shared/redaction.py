"""Keeping secret URLs out of logs: an API key in a query string, a webhook whose path is its key.

httpx logs every request at INFO (``HTTP Request: GET <url> "HTTP/1.1 200 OK"``), passing the URL
as a log argument; a filter on the ``httpx`` logger rewrites that argument. Each owner of a secret
installs its own filter, which leaves every URL that is not its own untouched (still an
``httpx.URL``), so the filters of several owners open at once each find theirs.
"""

import logging
from collections.abc import Callable, Generator
from contextlib import contextmanager

import httpx

Redact = Callable[[httpx.URL], httpx.URL | str]


class RedactUrls(logging.Filter):
    """Rewrites the ``httpx.URL`` arguments of a log record with ``redact``."""

    def __init__(self, redact: Redact) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._redact(a) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


@contextmanager
def httpx_logs_redacted(redact: Redact) -> Generator[None]:
    """httpx's log lines redacted by ``redact`` for the duration of the block."""
    logger, log_filter = logging.getLogger("httpx"), RedactUrls(redact)
    logger.addFilter(log_filter)
    try:
        yield
    finally:
        logger.removeFilter(log_filter)
