"""The Tate (London), from its collection repository's dump: schemas, harvest, clean, sample (data/)."""

from pathlib import Path

# A sample of github.com/tategallery/collection: 2,500 artworks and the 583 artists they name.
SHIPPED_SAMPLE = Path(__file__).parent / "data" / "collection-sample.tar.gz"
