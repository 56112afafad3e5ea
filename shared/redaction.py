"""Keeping secret URLs out of logs, run config and metadata: an API key in a query string, a
webhook whose path is its key, a location with a user and password or a presigned query.

``public_url`` is a location as run config, metadata and messages show it: scheme, host, port and
path only (a presigned archive URL's signature and a URL's credentials left out).

httpx logs every request at INFO (``HTTP Request: GET <url> "HTTP/1.1 200 OK"``), passing the URL
as a log argument; a filter on the ``httpx`` logger rewrites that argument. Each owner of a secret
installs its own filter, which leaves every URL that is not its own untouched (still an
``httpx.URL``), so the filters of several owners open at once each find theirs.
"""

import logging
from collections.abc import Callable, Generator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

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


def public_url(location: str) -> str:
    """``location`` without user, password, query or fragment; a local path is returned as it is."""
    parts = urlsplit(location)
    if not parts.scheme or not parts.netloc:
        return location
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    try:
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:  # a port that is not a number: show the host alone
        netloc = host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
