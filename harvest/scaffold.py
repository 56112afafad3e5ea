"""A new museum's folder, written from the template (harvest/_template/): ``scaffold``.

``uv run python -m harvest.scaffold <name> "<title>"`` writes harvest/<name>/, a museum that
harvests the template's sample; docs/adding-a-museum.md says what to change next.
"""

import re
import shutil
import sys
from pathlib import Path

TEMPLATE = Path(__file__).parent / "_template"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # shared.schemas.common.SOURCE_PATTERN


def scaffold(name: str, title: str, parent: Path = Path(__file__).parent) -> Path:
    """Write ``parent/name``, a copy of the template naming the museum ``name`` (the source name)
    and ``title``; refuses a name that is not a source name or a folder that exists."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a source name: lowercase letters, digits and _")
    folder = parent / name
    if folder.exists():
        raise FileExistsError(f"{folder} exists: pick another name or remove it")
    shutil.copytree(TEMPLATE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    declaration = folder / "__init__.py"
    text = declaration.read_text()
    text = text.replace('NAME = "template"', f"NAME = {name!r}", 1)
    text = text.replace('TITLE = "The Template Museum"', f"TITLE = {title!r}", 1)
    declaration.write_text(text)
    return folder


if __name__ == "__main__":
    print(scaffold(sys.argv[1], sys.argv[2]))
