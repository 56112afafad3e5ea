"""The registry: every museum the pipeline harvests. Adding one is one line here (README,
"Adding a museum"); everything else is derived from its declaration (harvest.museum)."""

from harvest import artic, tate, walters
from harvest.museum import Museum

MUSEUMS: tuple[Museum, ...] = (walters.MUSEUM, artic.MUSEUM, tate.MUSEUM)
