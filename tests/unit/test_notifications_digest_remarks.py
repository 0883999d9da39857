"""What the digest says was said last week: the organisation's own explanations of its own
commitments, published in that week, and its people's answers to notifications about them."""

from datetime import UTC, date, datetime

from services.notifications.domain.digest_remarks import Answered, said_last_week
from shared.calendar import DateRange
from shared.contracts.kpis import PromiseKpisView
from shared.promises import default_promises

LAST_WEEK = DateRange(start=date(2017, 4, 3), end=date(2017, 4, 9))


def explained(at: str, organisation: str = "polisen") -> dict[str, object]:
    return {
        "kind": "remedy",
        "text": "Insatserna görs i maj.",
        "organisations": [organisation],
        "published_at": at,
    }


def kpis(*explanations: dict[str, object]) -> PromiseKpisView:
    return PromiseKpisView.model_validate(
        {
            "promise": "lund-2017",
            "at": "2017-04-10T06:30:00+02:00",
            "commitments": [
                {
                    "id": "volontarinsatser",
                    "kind": "count",
                    "focus_area": "trygghet",
                    "responsible": ["polisen"],
                    "status": "behind",
                    "period": {"start": "2017-03-01", "end": "2018-01-01"},
                    "explanations": list(explanations),
                }
            ],
            "outcomes": [],
        }
    )


def test_what_the_organisation_published_and_answered_last_week_is_told() -> None:
    lund = default_promises()[0]
    published = kpis(
        explained("2017-04-04T10:00:00+02:00"),
        explained("2017-03-30T10:00:00+02:00"),  # the week before
    )
    answers = [
        Answered("volontarinsatser", "key ab12 (anna)", datetime(2017, 4, 5, 8, tzinfo=UTC), "Ok"),
        Answered("sno-mote", "key ab12 (anna)", datetime(2017, 4, 5, 9, tzinfo=UTC), None),
    ]

    lines = said_last_week(lund, published, "polisen", LAST_WEEK, answers)

    assert [(line["kind"], line["day"], line["who"], line["text"]) for line in lines] == [
        ("remedy", "2017-04-04", "polisen", "Insatserna görs i maj."),
        ("acknowledged", "2017-04-05", "key ab12 (anna)", "Ok"),
        ("acknowledged", "2017-04-05", "key ab12 (anna)", None),
    ]
    assert {line["commitment"] for line in lines} == {"volontarinsatser", "sno-mote"}


def test_another_organisation_s_commitments_are_not_in_its_digest() -> None:
    lund = default_promises()[0]
    answers = [Answered("volontarinsatser", "x", datetime(2017, 4, 5, 8, tzinfo=UTC), None)]

    lines = said_last_week(
        lund, kpis(explained("2017-04-04T10:00:00+02:00")), "raddningstjansten", LAST_WEEK, answers
    )

    assert lines == []
