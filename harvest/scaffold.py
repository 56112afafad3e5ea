"""A new museum's folder, written from the template (harvest/_template/): ``scaffold``.

``uv run python -m harvest.scaffold <name> "<title>"`` writes harvest/<name>/, a museum harvested
from a dump of JSON records (``<NAME>_COLLECTION_URL``); with ``--api``, one harvested from a
paged JSON API (``<NAME>_API_URL``, its base URL), whose lists, fields and paging parameters the
options name::

    uv run python -m harvest.scaffold fourth "The Fourth Museum" --api \\
        --base-url https://api.fourth.example/v2 --objects-path /objects --agents-path /makers \\
        --records-field results --page-param page --size-param per_page --more-field links.next

Either runs as written, from the template's sample (the API's replayed in-process);
docs/adding-a-museum.md says what to change next.
"""

import argparse
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).parent / "_template"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # shared.schemas.common.SOURCE_PATTERN


@dataclass(frozen=True)
class Api:
    """A paged JSON API as the options name it (``harvest.pagination.PageNumbers``'s fields):
    ``base_url`` is where it runs live, written into the declaration's comment (the deployment
    sets it in ``<NAME>_API_URL``); unset, the museum harvests its sample through the replay."""

    base_url: str = "https://api.example.org/v1"
    objects_path: str = "/objects"
    agents_path: str = "/agents"
    records_field: str = "data"
    page_param: str = "page"
    size_param: str = "limit"
    more_field: str | None = None

    def paging(self, path: str) -> str:
        """The ``PageNumbers(...)`` of one list, as Python source."""
        more = json.dumps(self.more_field) if self.more_field else "None"
        fields = (json.dumps(path), f"records={json.dumps(self.records_field)}")
        params = (
            f"page={json.dumps(self.page_param)}",
            f"size={json.dumps(self.size_param)}",
            f"more={more}",
        )
        return f"PageNumbers({', '.join((*fields, *params))})"


def _replace(path: Path, edits: dict[str, str]) -> None:
    """Each ``old`` text of ``path`` once by its ``new``; a template that lost one fails loudly."""
    text = path.read_text()
    for old, new in edits.items():
        if old not in text:
            raise ValueError(f"{path.name} of the template no longer holds {old!r}: update harvest.scaffold")
        text = text.replace(old, new, 1)
    path.write_text(text)


def scaffold(name: str, title: str, parent: Path = Path(__file__).parent, api: Api | None = None) -> Path:
    """Write ``parent/name``, a copy of the template naming the museum ``name`` (the source name)
    and ``title``, harvested from a dump, or from the paged JSON API ``api``; refuses a name that is
    not a source name or a folder that exists."""
    if not _NAME.match(name):
        raise ValueError(f"{name!r} is not a source name: lowercase letters, digits and _")
    folder = parent / name
    if folder.exists():
        raise FileExistsError(f"{folder} exists: pick another name or remove it")
    shutil.copytree(TEMPLATE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    try:
        _fill_in(folder, name, title, api)
    except Exception:
        shutil.rmtree(folder)  # no half-written museum left behind
        raise
    return folder


def _fill_in(folder: Path, name: str, title: str, api: Api | None) -> None:
    """Name the copy's museum; make it an API museum (its harvest.py, location and resources) if
    ``api`` is given, else drop the API's harvest module."""
    declaration = {
        'NAME = "template"': f"NAME = {name!r}",
        'TITLE = "The Template Museum"': f"TITLE = {title!r}",
    }
    harvest_api = folder / "harvest_api.py"
    if api is None:
        harvest_api.unlink()
    else:
        harvest_api.replace(folder / "harvest.py")
        _replace(
            folder / "harvest.py",
            {
                'PageNumbers("/objects", records="data", page="page", size="limit", more=None)': api.paging(
                    api.objects_path
                ),
                'PageNumbers("/agents", records="data", page="page", size="limit", more=None)': api.paging(
                    api.agents_path
                ),
            },
        )
        declaration |= {
            "from harvest.resources import dump_resources": "from harvest.resources import api_resources",
            "# Where the records are: this environment variable (unset: the shipped sample).": (
                f"# Where the API is, its base URL (e.g. {api.base_url}): this environment variable\n"
                "# (unset: the shipped sample, served by the embedded replay)."
            ),
            '_COLLECTION_URL"': '_API_URL"',
            "resources=dump_resources(NAME, LOCATION)": "resources=api_resources(NAME, LOCATION)",
        }
    _replace(folder / "__init__.py", declaration)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(prog="python -m harvest.scaffold", description=__doc__.split("\n\n")[0])
    parser.add_argument("name", help="the source name: lowercase letters, digits and _")
    parser.add_argument("title", help="the museum's name, as the exports show it")
    parser.add_argument("--api", action="store_true", help="a paged JSON API, not a dump")
    parser.add_argument("--into", type=Path, default=Path(__file__).parent, help="the folder to write it in")
    defaults = Api()
    for option, help_text in (
        ("base_url", "where the API runs live (set it in <NAME>_API_URL)"),
        ("objects_path", "the objects' list, under the base URL"),
        ("agents_path", "the agents' list, under the base URL"),
        ("records_field", "the field of a page holding its records (dotted: results.items)"),
        ("page_param", "the page number's query parameter"),
        ("size_param", "the page size's query parameter"),
        (
            "more_field",
            "the field saying another page follows (a flag or next URL; unset: a short page is the last)",
        ),
    ):
        flag = "--" + option.replace("_", "-")
        parser.add_argument(
            flag, default=getattr(defaults, option), help=f"{help_text} (default %(default)s)"
        )
    args = parser.parse_args(argv)
    api = Api(**{f: getattr(args, f) for f in Api.__dataclass_fields__}) if args.api else None
    folder = scaffold(args.name, args.title, args.into, api=api)
    print(f"{folder}: next, fit schemas.py and clean.py, then register it (docs/adding-a-museum.md)")
    return folder


if __name__ == "__main__":
    main()
