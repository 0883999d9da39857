"""The Lund 2017 promise that ships as the default: the ids other services rely on."""

import json
from datetime import date
from importlib.resources import files

import jsonschema
import yaml

from shared.contracts.events import ActivityCompleted, Participants
from shared.promises import (
    CountTarget,
    CoverageTarget,
    CrimeStatistics,
    DatedTarget,
    ListedDimension,
    Promise,
    RecurringTarget,
    Weekly,
    default_promise,
    default_promises,
    load_promise_text,
    school_holiday_calendars,
)
from shared.promises.schema import export_schema

TARGETS = {
    "narkotikabrott-unga": ("open-count", {"polisen"}),
    "foraldrar-facebook": ("open-count", {"kommunen", "polisen"}),
    "foraldrar-storforelasning": ("dated", {"kommunen", "polisen"}),
    "sno-mote": ("recurring", {"kommunen", "polisen"}),
    "handelsebaserade-trygghetsvandringar": ("count", {"kommunen", "polisen"}),
    "klotter-folder": ("deliverable", {"kommunen", "polisen"}),
    "mbu-lundamodell": ("deliverable", {"raddningstjansten", "kommunen", "polisen"}),
    "omradeskontroller-skollov": ("recurring", {"raddningstjansten"}),
    "kontakt-forskoleklass-ak5": ("coverage", {"raddningstjansten"}),
    "motesplatser-besok": ("coverage", {"raddningstjansten", "kommunen", "polisen"}),
    "volontarinsatser": ("count", {"polisen"}),
    "foreningsliv": ("count", {"kommunen"}),
    "vardegrund-dokument": ("deliverable", {"kommunen"}),
    "informationskvall": ("deliverable", {"raddningstjansten", "kommunen", "polisen"}),
    "ungdomsdialoger-natet": ("open-count", {"kommunen"}),
    "ungdomsdialoger-motesplatser": ("dated", {"kommunen"}),
    "trygghetsvandringar-ungdomar": ("count", {"raddningstjansten", "kommunen", "polisen"}),
}


def lund() -> Promise:
    promise = default_promise("lund-2017")
    assert promise is not None
    return promise


def test_lund_2017_is_the_default_and_open_ended() -> None:
    promise = lund()

    assert [p.id for p in default_promises()] == ["lund-2017"]
    assert promise.valid_from == date(2017, 3, 1)
    assert promise.valid_to is None
    assert promise.is_valid_on(date(2030, 1, 1))
    assert not promise.is_valid_on(date(2017, 2, 28))
    assert (promise.period, promise.timezone) == ("year", "Europe/Stockholm")
    assert promise.organisation_ids == ("polisen", "kommunen", "raddningstjansten")
    assert [f.id for f in promise.focus_areas] == ["droger", "skadegorelse", "trygghet"]


def test_every_commitment_id_once_with_its_responsible_and_kind_of_target() -> None:
    commitments = lund().commitments

    assert [c.id for c in commitments] == list(TARGETS)
    assert {c.id: (c.target.kind, set(c.responsible)) for c in commitments} == TARGETS


def test_outcome_indicators() -> None:
    indicators = {i.id: (i.measured_by.kind, i.direction) for i in lund().outcome_indicators}

    assert indicators == {
        "ungas-inflytande": ("activity-count", "up"),
        "skadegorelse": ("crime-statistics", "down"),
        "vuxennarvaro": ("survey", "up"),
        "trygg-fysisk-miljo": ("survey", "up"),
        "narkotikabrott-upptackt": ("crime-statistics", "up"),
    }


def test_the_drug_baseline_keeps_the_published_total_and_breakdown() -> None:
    indicator = lund().indicator("narkotikabrott-upptackt")
    assert indicator is not None
    baseline = indicator.baseline
    assert baseline is not None

    assert (baseline.period.start, baseline.period.end) == (date(2016, 4, 1), date(2016, 12, 31))
    assert baseline.total == 161
    assert baseline.by_category == {
        "narkotika.bruk": 101,
        "narkotika.innehav": 48,
        "narkotika.overlatelse": 7,
        "narkotika.doping": 3,
    }
    assert baseline.unclassified == 2
    assert isinstance(indicator.measured_by, CrimeStatistics)
    assert indicator.measured_by.age_band == "under-25"
    assert indicator.comparison == "same-period-previous-year"


def test_the_youth_dialogues_are_on_the_promised_days_and_places() -> None:
    commitment = lund().commitment("ungdomsdialoger-motesplatser")
    assert commitment is not None
    assert isinstance(commitment.target, DatedTarget)
    zone = lund().zone

    assert [
        (o.title, o.starts_at(zone).isoformat(), o.ends_at(zone).strftime("%H:%M"), o.place)
        for o in commitment.target.occurrences
    ] == [
        ("Ungdomsting", "2017-03-23T08:30:00+01:00", "12:00", "Stadshallen"),
        ("Inflytandecafé", "2017-04-20T09:00:00+02:00", "12:00", "Stadshallen"),
        ("Ungdomsting", "2017-05-03T08:30:00+02:00", "12:00", "Mejeriet"),
    ]


def test_meeting_places_are_the_simulators_and_marked_as_example_data() -> None:
    commitment = lund().commitment("motesplatser-besok")
    assert commitment is not None
    assert isinstance(commitment.target, CoverageTarget)
    places = commitment.target.listed
    assert isinstance(places, ListedDimension)

    assert places.members == (
        "Fritidsgården Arken",
        "Ungdomens hus",
        "Mötesplats Norra Fäladen",
        "Fritidsgården Linero",
    )
    assert places.example
    assert commitment.target.cells_per_period(organisations=3, sub_periods=12) == 144


def test_sno_meetings_every_monday_moved_to_the_next_working_day() -> None:
    commitment = lund().commitment("sno-mote")
    assert commitment is not None
    target = commitment.target
    assert isinstance(target, RecurringTarget)
    assert isinstance(target.schedule, Weekly)

    assert target.schedule.weekday == "monday"
    assert target.public_holidays == "next-working-day"
    assert target.reporting_grace.total_seconds() == 24 * 3600


def test_a_walk_counts_for_youth_walks_only_with_youths() -> None:
    commitment = lund().commitment("trygghetsvandringar-ungdomar")
    assert commitment is not None
    target = commitment.target
    assert isinstance(target, CountTarget)

    def walk(participants: Participants | None) -> ActivityCompleted:
        return ActivityCompleted(
            commitment="trygghetsvandringar-ungdomar",
            organisations=["polisen"],
            participants=participants,
        )

    assert target.at_least == 2
    assert target.counts(walk(Participants(youths=4)))
    assert not target.counts(walk(Participants(youths=0, adults=6)))
    assert not target.counts(walk(None))


def test_the_shipped_school_holidays_say_they_are_examples() -> None:
    text = files("shared.promises").joinpath("skollov-lund.yaml").read_text(encoding="utf-8")

    assert "EXEMPEL: kontrollera mot Lunds kommuns läsårsdata" in text
    calendar = school_holiday_calendars()["lund"]
    assert calendar.example
    assert sorted(calendar.years) == [2017, 2018, 2019]
    assert [h.kind for h in calendar.years[2017]] == [
        "sportlov",
        "pasklov",
        "sommarlov",
        "hostlov",
        "jullov",
    ]


def test_lund_round_trips_through_yaml() -> None:
    promise = lund()
    dumped = yaml.safe_dump(promise.model_dump(mode="json"), allow_unicode=True, sort_keys=False)

    assert load_promise_text(dumped, "dumped.yaml") == promise


def test_the_committed_json_schema_is_what_the_model_generates() -> None:
    committed = json.loads(
        files("shared.promises").joinpath("promise.schema.json").read_text(encoding="utf-8")
    )

    assert committed == export_schema(), (
        "regenerate: python -m shared.promises.schema > shared/promises/promise.schema.json"
    )
    assert committed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert committed["title"] == "Promise"
    assert committed["additionalProperties"] is False


def _as_json(value: object) -> object:
    # YAML reads dates as date objects; an editor's JSON-Schema check sees their text.
    return json.loads(json.dumps(value, default=str))


def test_the_shipped_promise_file_validates_against_the_committed_schema() -> None:
    schema = json.loads(
        files("shared.promises").joinpath("promise.schema.json").read_text(encoding="utf-8")
    )
    shipped = yaml.safe_load(
        files("shared.promises").joinpath("lund-2017.yaml").read_text(encoding="utf-8")
    )

    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(_as_json(shipped)))
    assert errors == []


def test_the_schema_catches_what_an_editor_should_flag() -> None:
    schema = json.loads(
        files("shared.promises").joinpath("promise.schema.json").read_text(encoding="utf-8")
    )
    shipped = _as_json(
        yaml.safe_load(
            files("shared.promises").joinpath("lund-2017.yaml").read_text(encoding="utf-8")
        )
    )
    assert isinstance(shipped, dict)
    shipped["commitments"][0]["target"] = {"kind": "sometimes"}
    shipped["colour"] = "blue"

    messages = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(shipped)]

    assert any("colour" in message for message in messages)
    assert len(messages) >= 2
