"""URLs as run config, metadata and messages show them (shared.redaction.public_url)."""

import pytest

from shared.redaction import public_url


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        (
            "https://user:pw@files.test:8443/a/b.zip?X-Amz-Signature=abc#part",
            "https://files.test:8443/a/b.zip",
        ),
        ("http://127.0.0.1:9000/v1?apikey=k", "http://127.0.0.1:9000/v1"),
        ("s3://bucket/prefix", "s3://bucket/prefix"),
        ("http://[::1]:8080/x?token=t", "http://[::1]:8080/x"),
        ("/srv/tate/collection", "/srv/tate/collection"),
        ("harvest/tate/data/collection-sample.tar.gz", "harvest/tate/data/collection-sample.tar.gz"),
        # A port that is not a number (a typo, or a secret pasted into it) is not shown.
        ("https://user:pw@files.test:s3cret/a?k=v", "https://files.test/a"),
    ],
)
def test_public_url_keeps_scheme_host_port_and_path_only(location: str, shown: str) -> None:
    assert public_url(location) == shown
