"""The models' year checks read the clock when they run, not when the module was imported."""

import datetime as dt

import polars as pl
import pytest
from pandera.errors import SchemaError

from shared.schemas import common
from shared.schemas.clean import CleanAgents

THIS_YEAR = dt.datetime.now(dt.UTC).year


def _agents(death_year: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "agent_key": ["walters:1"],
            "source": ["walters"],
            "source_id": ["1"],
            "name": ["A maker"],
            "agent_type": ["person"],
            "birth_year": [1900],
            "death_year": [death_year],
            "in_source_export": [True],
        },
        schema_overrides={"birth_year": pl.Int32, "death_year": pl.Int32},
    )


class _NextYear:
    """``datetime`` as the module uses it, on the first day of next year."""

    UTC = dt.UTC

    class datetime:
        @staticmethod
        def now(tz: dt.tzinfo) -> dt.datetime:
            return dt.datetime(THIS_YEAR + 1, 1, 1, tzinfo=tz)


def test_a_year_after_this_one_fails_and_this_one_passes() -> None:
    CleanAgents.validate(_agents(THIS_YEAR))
    with pytest.raises(SchemaError, match="not_after_this_year"):
        CleanAgents.validate(_agents(THIS_YEAR + 1))


def test_a_new_year_is_accepted_without_reloading_the_models(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "dt", _NextYear)
    CleanAgents.validate(_agents(THIS_YEAR + 1))
    with pytest.raises(SchemaError, match="not_after_this_year"):
        CleanAgents.validate(_agents(THIS_YEAR + 2))
