from pathlib import Path

import pytest

from shared.contracts import topics
from shared.db.migrations import migration_files, quote_ident

SERVICES = Path(__file__).parents[2] / "services"


def test_every_consumed_topic_has_a_dead_letter_topic() -> None:
    names = {spec.name for spec in topics.ALL}

    for spec in topics.CONSUMED:
        assert f"{spec.name}.dlq" in names


def test_the_domain_topic_is_kept_forever_for_rebuilds() -> None:
    assert topics.ACTIVITIES.retention_ms == topics.FOREVER


def test_a_namespace_prefixes_every_name() -> None:
    assert topics.ACTIVITIES.qualified("staging.") == "staging.lofte.activities.v1"


@pytest.mark.parametrize("service", ["activities", "metrics", "notifications"])
def test_each_service_owns_numbered_migrations(service: str) -> None:
    files = migration_files(SERVICES / service / "migrations")

    assert files
    assert files[0].name.startswith("0001_")


def test_two_migrations_with_one_number_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("")
    (tmp_path / "0001_b.sql").write_text("")

    with pytest.raises(ValueError, match="share a number"):
        migration_files(tmp_path)


def test_only_plain_schema_names_reach_sql() -> None:
    assert quote_ident("metrics") == '"metrics"'
    with pytest.raises(ValueError, match="not a plain schema name"):
        quote_ident('metrics"; DROP TABLE x; --')
