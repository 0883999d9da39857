"""The public site's rules, without any service: what it shows of the KPIs it read, in
which language, and the open data it derives from them. The KPIs are what the metrics
service's own code serves (`promise_view`), so a field renamed on either side fails here."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from services.metrics.domain.engine import evaluate
from services.metrics.kpi_views import promise_view
from services.public.domain.language import choose_language
from services.public.domain.open_data import promise_csv, promise_data
from services.public.domain.progress import progress
from services.public.domain.report_period import parse_period
from services.public.domain.snapshot import Snapshot, snapshot_from_text, snapshot_to_text
from services.public.domain.wording import STATUS_SIGNS, STATUSES, age, number, percent
from services.public.kpi_source import KpiSource, KpiUnavailable
from shared.contracts.kpis import PromiseKpisView, Status
from shared.promises import Promise, default_promises

READ_AT = datetime(2017, 6, 1, 10, tzinfo=UTC)
FIGURES_AT = datetime(2017, 6, 1, 9, 59, tzinfo=UTC)
DRUGS = "narkotikabrott-upptackt"
DRUG_CRIME = {
    "status": "on-track",
    "period": {"start": "2017-04-01", "end": "2018-01-01"},
    "value": 40,
    "comparison_value": 161,
    "by_category": {"narkotika.bruk": 30, "narkotika.innehav": 10},
}


def lund() -> Promise:
    return default_promises()[0]


def served() -> PromiseKpisView:
    """What the metrics service serves of Lund before anything was reported."""
    return promise_view(evaluate(lund(), [], FIGURES_AT, promises=default_promises()))


def kpis(**commitments: dict[str, Any]) -> PromiseKpisView:
    """The served KPIs of the commitments named only, each with the figures given in place
    of its own, and the drug crime outcome at 40 against 161."""
    whole = served().model_dump(mode="json")
    by_id = {c["id"]: c for c in whole["commitments"]}
    return PromiseKpisView.model_validate(
        {
            **whole,
            "commitments": [{**by_id[key], **value} for key, value in commitments.items()],
            "outcomes": [{**o, **DRUG_CRIME} for o in whole["outcomes"] if o["id"] == DRUGS],
        }
    )


async def read(answer: bytes) -> PromiseKpisView:
    """`answer` as the site reads it from the metrics service."""

    def metrics_service(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer)

    transport = httpx.MockTransport(metrics_service)
    async with httpx.AsyncClient(transport=transport, base_url="http://metrics") as client:
        return await KpiSource(client).promise_kpis("lund-2017")


async def test_what_the_metrics_service_serves_is_what_the_site_shows() -> None:
    kpis = await read(served().model_dump_json().encode())

    shown = progress(lund(), Snapshot("lund-2017", READ_AT, kpis))

    commitments = {c.id: c for area in shown.focus_areas for c in area.commitments}
    assert all(c.status is not None for c in commitments.values())
    assert commitments["volontarinsatser"].done == 0
    assert commitments["volontarinsatser"].target == 5
    assert shown.figures_at == FIGURES_AT


async def test_an_answer_that_is_not_the_kpi_contract_is_refused_rather_than_half_read() -> None:
    renamed = served().model_dump(mode="json")
    renamed["commitments"][0]["state"] = renamed["commitments"][0].pop("status")

    with pytest.raises(KpiUnavailable, match="contract"):
        await read(json.dumps(renamed).encode())


def test_every_commitment_of_the_promise_is_shown_with_or_without_figures() -> None:
    snapshot = Snapshot(
        "lund-2017", READ_AT, kpis(volontarinsatser={"status": "behind", "done": 1})
    )

    shown = progress(lund(), snapshot)

    commitments = {c.id: c for area in shown.focus_areas for c in area.commitments}
    assert set(commitments) == {c.id for c in lund().commitments}
    assert (commitments["volontarinsatser"].status, commitments["volontarinsatser"].done) == (
        "behind",
        1,
    )
    assert commitments["sno-mote"].status is None
    assert [a.title for a in shown.focus_areas] == [
        "Droger",
        "Skadegörelse",
        "Trygghet på särskilda tider och platser",
    ]


def test_without_any_figures_the_promise_is_shown_as_it_was_made() -> None:
    shown = progress(lund(), None)

    assert shown.fetched_at is None
    assert all(c.status is None for area in shown.focus_areas for c in area.commitments)


def test_periods_are_shown_with_their_last_day_and_dated_occasions_with_their_place() -> None:
    dialogues = {
        "status": "behind",
        "period": {"start": "2017-03-01", "end": "2018-01-01"},
        "occurrences": [
            {
                "id": "ungdomsting-2017-05-03",
                "title": "Ungdomsting",
                "due": "2017-05-03T08:30:00+02:00",
                "held": False,
            },
            {
                "id": "ungdomsting-2017-03-23",
                "title": "Ungdomsting",
                "due": "2017-03-23T08:30:00+01:00",
                "held": True,
                "held_at": "2017-03-23T08:30:00+01:00",
                "place": "Rådhuset",
            },
        ],
    }
    shown = progress(
        lund(),
        Snapshot("lund-2017", READ_AT, kpis(**{"ungdomsdialoger-motesplatser": dialogues})),
    )

    [c] = [
        c
        for a in shown.focus_areas
        for c in a.commitments
        if c.id == "ungdomsdialoger-motesplatser"
    ]
    assert c.period is not None
    assert c.period.last == date(2017, 12, 31)
    assert [o.place for o in c.occurrences] == ["Mejeriet", "Rådhuset"]


def test_what_those_responsible_published_is_shown_with_the_commitment() -> None:
    said = {
        "kind": "not-pursued",
        "text": "Volontärerna behövdes vid skolstarten.",
        "organisations": ["polisen"],
        "published_at": "2017-09-01T10:00:00+02:00",
    }
    unsaid = {**said, "kind": "comment", "text": ""}
    figures = {"status": "not-pursued", "explanations": [said, unsaid]}
    shown = progress(lund(), Snapshot("lund-2017", READ_AT, kpis(volontarinsatser=figures)))

    [c] = [c for a in shown.focus_areas for c in a.commitments if c.id == "volontarinsatser"]
    [explanation] = c.explanations  # one without words has nothing to show
    assert c.status == "not-pursued"
    assert explanation.kind == "not-pursued"
    assert explanation.text == "Volontärerna behövdes vid skolstarten."
    assert explanation.organisations == ("Polisen, lokalpolisområde Lund",)
    assert explanation.published == datetime.fromisoformat("2017-09-01T10:00:00+02:00")


def test_missed_days_are_grouped_by_month() -> None:
    missed = ["2017-03-06", "2017-03-13", "2017-04-18"]
    snapshot = Snapshot(
        "lund-2017", READ_AT, kpis(**{"sno-mote": {"status": "behind", "missed_slots": missed}})
    )

    [c] = [
        c
        for a in progress(lund(), snapshot).focus_areas
        for c in a.commitments
        if c.id == "sno-mote"
    ]

    assert c.missed_by_month == ((date(2017, 3, 1), (6, 13)), (date(2017, 4, 1), (18,)))


def test_an_outcome_s_categories_stand_beside_the_baseline_as_published() -> None:
    shown = progress(lund(), Snapshot("lund-2017", READ_AT, kpis()))

    [drugs] = [o for o in shown.outcomes if o.id == "narkotikabrott-upptackt"]
    baseline = {r.category: r.baseline for r in drugs.categories}
    measured = {r.category: r.value for r in drugs.categories}
    assert drugs.baseline_total == 161
    assert baseline["narkotika.bruk"] == 101
    assert baseline["narkotika.ospecificerat"] == 2  # 161 published, 159 broken down
    assert sum(v for v in baseline.values() if v) == 161
    assert measured["narkotika.bruk"] == 30
    assert measured["narkotika.doping"] is None


def test_the_csv_and_the_json_hold_the_same_numbers() -> None:
    snapshot = Snapshot(
        "lund-2017",
        READ_AT,
        kpis(volontarinsatser={"status": "on-track", "done": 3, "target": 5, "expected": 2.5}),
    )
    shown = progress(lund(), snapshot)

    data = promise_data(shown)
    rows = list(csv.DictReader(io.StringIO(promise_csv(shown))))

    [volunteers] = [c for c in data["commitments"] if c["id"] == "volontarinsatser"]
    [row] = [r for r in rows if r["id"] == "volontarinsatser" and r["row"] == "commitment"]
    assert (row["status"], row["done"], row["target"], row["expected"]) == (
        "on-track",
        "3",
        "5",
        "2.5",
    )
    assert (volunteers["status"], volunteers["done"], volunteers["target"]) == ("on-track", 3, 5)
    [outcome] = [r for r in rows if r["row"] == "outcome" and r["id"] == "narkotikabrott-upptackt"]
    assert (outcome["value"], outcome["comparison_value"], outcome["baseline"]) == (
        "40.0",
        "161.0",
        "161",
    )


def test_a_kept_snapshot_reads_back_as_it_was_written() -> None:
    snapshot = Snapshot("lund-2017", READ_AT, kpis())

    assert snapshot_from_text(snapshot_to_text(snapshot)) == snapshot
    assert snapshot.age(READ_AT + timedelta(minutes=5)) == timedelta(minutes=5)
    assert snapshot.is_stale(READ_AT + timedelta(minutes=16), timedelta(minutes=15))


@pytest.mark.parametrize(
    ("asked", "header", "language"),
    [
        (None, None, "sv"),
        (None, "en-GB,en;q=0.9", "en"),
        (None, "de-DE,en;q=0.5,sv;q=0.8", "sv"),
        (None, "fr", "sv"),
        ("en", "sv-SE", "en"),
        ("sv", "en", "sv"),
        ("xx", "en", "en"),
        (None, "en;q=0", "sv"),
    ],
)
def test_the_language_is_asked_for_or_negotiated_and_swedish_otherwise(
    asked: str | None, header: str | None, language: str
) -> None:
    assert choose_language(asked, header) == language


def test_every_status_has_a_word_in_each_language_and_a_sign() -> None:
    for words in STATUSES.values():
        assert set(words) == {*Status, None}
    assert set(STATUS_SIGNS) == {*Status, None}


def test_numbers_and_ages_are_written_as_each_language_writes_them() -> None:
    assert number(1234.5, "sv", decimals=1) == "1\u202f234,5"
    assert number(1234.5, "en", decimals=1) == "1,234.5"
    assert percent(-0.25, "sv", signed=True) == "−25 %"
    assert age(timedelta(minutes=3), "sv") == "för 3 minuter sedan"
    assert age(timedelta(hours=1, minutes=5), "en") == "1 hour ago"
    assert age(timedelta(seconds=20), "sv") == "nyss"


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2017", date(2017, 1, 1), date(2017, 12, 31)),
        ("2017H1", date(2017, 1, 1), date(2017, 6, 30)),
        ("2017h2", date(2017, 7, 1), date(2017, 12, 31)),
    ],
)
def test_a_report_covers_a_year_or_a_half_year(text: str, first: date, last: date) -> None:
    period = parse_period(text)

    assert (period.first, period.last) == (first, last)


@pytest.mark.parametrize("text", ["17", "2017H3", "2017-06", "H1", ""])
def test_a_report_period_that_is_neither_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a year"):
        parse_period(text)


def test_a_report_shows_the_kpis_at_the_end_of_its_period_or_now() -> None:
    stockholm = lund().zone
    now = datetime(2017, 9, 1, 12, tzinfo=UTC)

    assert parse_period("2017H1").evaluated_at(stockholm, now) == datetime(
        2017, 7, 1, tzinfo=stockholm
    )
    assert parse_period("2017").evaluated_at(stockholm, now) == now


def test_the_open_data_hold_what_those_responsible_said() -> None:
    said = {
        "kind": "remedy",
        "text": "Insatserna görs i maj.",
        "organisations": ["polisen"],
        "published_at": "2017-05-02T10:00:00+02:00",
    }
    figures = {"status": "behind", "done": 1, "explanations": [said]}
    shown = progress(lund(), Snapshot("lund-2017", READ_AT, kpis(volontarinsatser=figures)))

    data = promise_data(shown)
    rows = list(csv.DictReader(io.StringIO(promise_csv(shown))))

    [volunteers] = [c for c in data["commitments"] if c["id"] == "volontarinsatser"]
    assert [(e["kind"], e["text"]) for e in volunteers["explanations"]] == [
        ("remedy", "Insatserna görs i maj.")
    ]
    [row] = [r for r in rows if r["row"] == "explanation"]
    assert (row["id"], row["status"], row["explanation"], row["published"]) == (
        "volontarinsatser",
        "remedy",
        "Insatserna görs i maj.",
        "2017-05-02T10:00:00+02:00",
    )
