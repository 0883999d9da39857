"""The rules a promise keeps, whoever builds it (a file, a test, another service)."""

from datetime import date
from typing import Any, get_args

import pytest
import yaml
from pydantic import ValidationError

from shared.contracts.events import Participants
from shared.promises import ActivityField, Baseline, Promise, PromiseFileError, load_promise_text
from tests.unit.test_promise_files import MINIMAL


def minimal(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(MINIMAL)
    document.update(changes)
    return document


def amended(*amendments: dict[str, Any], valid_to: date | None = None) -> Promise:
    return Promise.model_validate(minimal(valid_to=valid_to, amendments=list(amendments)))


def test_an_extension_applies_from_its_date_on() -> None:
    promise = amended(
        {
            "kind": "validity-extended",
            "date": date(2018, 11, 1),
            "valid_to": date(2019, 12, 31),
            "description": "Förlängt ett år.",
        },
        valid_to=date(2018, 12, 31),
    )

    assert promise.effective_valid_to(date(2018, 10, 31)) == date(2018, 12, 31)
    assert promise.effective_valid_to(date(2018, 11, 1)) == date(2019, 12, 31)
    assert promise.is_valid_on(date(2019, 6, 1))
    assert not promise.is_valid_on(date(2020, 1, 1))


def test_an_open_promise_can_be_ended() -> None:
    promise = amended(
        {
            "kind": "validity-ended",
            "date": date(2018, 5, 1),
            "valid_to": date(2018, 6, 30),
            "description": "Ersatt av ett nytt löfte.",
        }
    )

    assert promise.effective_valid_to(date(2018, 4, 30)) is None
    assert promise.is_valid_on(date(2018, 6, 30))
    assert not promise.is_valid_on(date(2018, 7, 1))


def test_an_open_promise_cannot_be_extended() -> None:
    extension = {"kind": "validity-extended", "date": date(2018, 1, 1), "description": "x"}

    with pytest.raises(ValidationError, match="already valid until further notice"):
        amended(extension)


def test_amendments_come_in_date_order() -> None:
    def ended(on: date, to: date) -> dict[str, Any]:
        return {"kind": "validity-ended", "date": on, "valid_to": to, "description": "x"}

    with pytest.raises(ValidationError, match=r"amendments\[1\]\.date: 2018-01-01 comes before"):
        amended(
            ended(date(2018, 5, 1), date(2019, 6, 30)), ended(date(2018, 1, 1), date(2018, 6, 30))
        )


def test_the_end_is_not_before_the_start() -> None:
    with pytest.raises(ValidationError, match="valid_to: before valid_from 2017-03-01"):
        Promise.model_validate(minimal(valid_to=date(2017, 2, 1)))


def test_a_commitment_names_a_known_focus_area() -> None:
    document = minimal()
    document["commitments"][0]["focus_area"] = "droger"

    with pytest.raises(
        ValidationError, match=r"commitments\[0\]\.focus_area: unknown focus area 'droger'"
    ):
        Promise.model_validate(document)


def test_an_organisation_is_responsible_once() -> None:
    document = minimal()
    document["commitments"][0]["responsible"] = ["polisen", "polisen"]

    with pytest.raises(ValidationError, match="'polisen' is listed twice"):
        Promise.model_validate(document)


def test_an_indicator_counts_only_commitments_of_the_promise() -> None:
    indicator = {
        "id": "aktiviteter",
        "title": "Antal aktiviteter",
        "measured_by": {"kind": "activity-count", "commitments": ["vandringar", "chatt"]},
        "comparison": "same-period-previous-year",
        "direction": "up",
    }

    with pytest.raises(ValidationError, match=r"commitments\[1\]: unknown commitment 'chatt'"):
        Promise.model_validate(minimal(outcome_indicators=[indicator]))


def test_the_time_zone_must_exist() -> None:
    with pytest.raises(ValidationError, match="unknown time zone 'Europe/Lund'"):
        Promise.model_validate(minimal(timezone="Europe/Lund"))


def test_occurrences_before_the_promise_starts_are_refused() -> None:
    text = MINIMAL.replace(
        "target: {kind: count, at_least: 2}",
        "target:\n"
        "      kind: dated\n"
        "      occurrences:\n"
        "        - {id: ting, title: Ungdomsting, start: 2016-05-03T08:30:00,"
        " end: 2016-05-03T12:00:00, place: Stadshallen}",
    )

    with pytest.raises(PromiseFileError) as error:
        load_promise_text(text, "test.yaml")

    assert str(error.value) == (
        "test.yaml:19:49 commitments[0].target.occurrences[0].start: "
        "before the promise starts (2017-03-01)"
    )


def test_a_dated_target_has_occurrences_or_a_window_not_both() -> None:
    document = minimal()
    document["commitments"][0]["target"] = {"kind": "dated"}

    with pytest.raises(ValidationError, match="give either occurrences or a window"):
        Promise.model_validate(document)


def test_coverage_by_month_within_a_month_makes_no_sense() -> None:
    document = minimal()
    document["commitments"][0]["target"] = {
        "kind": "coverage",
        "period": "month",
        "dimensions": [{"kind": "organisations"}, {"kind": "period", "every": "month"}],
    }

    with pytest.raises(ValidationError, match="every month does not divide the period month"):
        Promise.model_validate(document)


def test_a_baseline_breakdown_above_its_total_is_refused() -> None:
    with pytest.raises(ValidationError, match="add up to 162, more than the total 161"):
        Baseline.model_validate(
            {
                "period": {"start": "2016-04-01", "end": "2016-12-31"},
                "total": 161,
                "by_category": {"narkotika.bruk": 160, "narkotika.innehav": 2},
            }
        )


def test_a_baseline_category_must_be_known() -> None:
    with pytest.raises(ValidationError, match="unknown incident category"):
        Baseline.model_validate(
            {
                "period": {"start": "2016-04-01", "end": "2016-12-31"},
                "total": 3,
                "by_category": {"narkotika.snus": 3},
            }
        )


def test_conditions_name_exactly_the_participant_counts_events_carry() -> None:
    carried = {f"participants.{name}" for name in Participants.model_fields}

    assert set(get_args(ActivityField)) == carried


def test_a_condition_on_an_unknown_field_is_refused() -> None:
    document = minimal()
    document["commitments"][0]["target"]["condition"] = {"participants.kids": {"at_least": 1}}

    with pytest.raises(ValidationError, match=r"Input should be 'participants\.youths'"):
        Promise.model_validate(document)


def test_a_loaded_promise_cannot_be_changed() -> None:
    promise = Promise.model_validate(minimal())

    with pytest.raises(ValidationError, match="Instance is frozen"):
        promise.title = "Annat"  # type: ignore[misc]
