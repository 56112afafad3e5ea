"""URLs as the run history may show them: without credentials or query strings.

A location a team configures may carry a secret: a user and password (``https://user:pw@host/``),
or a signed query (an object store's presigned archive URL, ``...?X-Amz-Signature=...``). Run
config, metadata and messages show ``public_url`` of it: scheme, host, port and path only.
"""

from urllib.parse import urlsplit, urlunsplit


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
