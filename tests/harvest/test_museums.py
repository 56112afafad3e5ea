"""Which museums a run harvests (harvest.museums.select_museums) and what the settings hold."""

import pytest

from harvest.museums import MUSEUMS, MuseumSelectionError, declared_variables, select_museums
from shared.resources import read_settings

EVERY_LOCATION = {
    "WALTERS_API_URL": "https://api.walters.test",
    "WALTERS_EXPORTS_URL": "https://exports.walters.test",
    "ARTIC_API_URL": "https://api.artic.test/api/v1",
    "TATE_COLLECTION_URL": "/srv/tate-collection",
}


def _selected(**env: str) -> list[str]:
    settings = read_settings(env, declared=declared_variables(MUSEUMS))
    return [museum.name for museum in select_museums(MUSEUMS, settings)]


def test_with_no_location_every_museum_runs_from_its_sample() -> None:
    assert _selected() == ["walters", "artic", "tate"]


def test_with_locations_set_only_those_museums_run() -> None:
    walters = {k: v for k, v in EVERY_LOCATION.items() if k.startswith("WALTERS_")}
    assert _selected(**walters) == ["walters"]
    assert _selected(TATE_COLLECTION_URL="/srv/tate") == ["tate"]
    assert _selected(**EVERY_LOCATION) == ["walters", "artic", "tate"]


def test_museums_names_exactly_what_runs() -> None:
    assert _selected(**EVERY_LOCATION, MUSEUMS="tate, artic") == ["artic", "tate"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        # One of a museum's locations set and not the other: never the shipped exports beside it.
        ({"WALTERS_API_URL": "https://api.walters.test"}, "WALTERS_EXPORTS_URL"),
        # Named, with no location at all.
        ({"ARTIC_API_URL": "https://api.artic.test", "MUSEUMS": "artic,tate"}, "TATE_COLLECTION_URL"),
        ({"MUSEUMS": "walters"}, "WALTERS_API_URL"),
    ],
)
def test_a_museum_without_its_location_fails_naming_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(MuseumSelectionError, match=named):
        _selected(**env)


def test_an_unknown_museum_fails_naming_it_and_the_registered_ones() -> None:
    with pytest.raises(MuseumSelectionError, match=r"louvre.*walters, artic, tate"):
        _selected(MUSEUMS="walters,louvre", **EVERY_LOCATION)


def test_settings_hold_only_declared_variables_and_never_show_secrets() -> None:
    env = {
        "AWS_SECRET_ACCESS_KEY": "aws-secret",
        "DAGSTER_POSTGRES_URL": "postgresql+psycopg2://u:pg-secret@db/dagster",
        "FAILURE_WEBHOOK_URL": "https://hooks.slack.test/services/hook-secret",
        "WALTERS_API_KEY": "api-secret",
        "TATE_COLLECTION_URL": "https://user:url-secret@files.test/tate.zip?X-Amz-Signature=sig-secret",
    }
    settings = read_settings(env, declared=declared_variables(MUSEUMS))
    assert set(settings.museum_env) == {"WALTERS_API_KEY", "TATE_COLLECTION_URL"}
    shown = repr(settings)
    for secret in ("aws-secret", "pg-secret", "hook-secret", "api-secret", "url-secret", "sig-secret"):
        assert secret not in shown
    assert "TATE_COLLECTION_URL" in shown
