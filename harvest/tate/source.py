"""Where the Tate's collection dump is: ``TATE_COLLECTION_URL``, or the shipped sample."""

from pathlib import Path

import dagster as dg

SHIPPED_SAMPLE = Path(__file__).parent / "data" / "collection-sample.tar.gz"


class TateCollection(dg.ConfigurableResource):
    """A checkout of github.com/tategallery/collection (a folder holding ``artworks/`` and
    ``artists/``), or an archive of it (.tar.gz or .zip) by path or http(s) URL; unset: the shipped
    sample of 2,500 artworks and the 583 artists they name."""

    location: str | None = None

    @property
    def is_sample(self) -> bool:
        return not self.location

    @property
    def resolved(self) -> str:
        return self.location or str(SHIPPED_SAMPLE)
