"""Hypothesis strategies for the contracts: every event data model, the envelope, and JSON.

`valid_*` strategies make what the contract accepts, within every constraint the models
declare; `json_documents` and `event_like_documents` make anything a partner could send,
most of it wrong, some of it nearly right, to drive the rules into their corners.
"""

import math
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.events import (
    EVENT_TYPES,
    ActivityCancelled,
    ActivityCompleted,
    ActivityScheduled,
    DeliverableCompleted,
    EventData,
    EventRetracted,
    ExplanationPublished,
    IncidentRecorded,
    Participants,
    Period,
    SurveyPublished,
)
from shared.promises import default_promises

LUND = default_promises()[0]
COMMITMENTS = [c.id for c in LUND.commitments]
ORGANISATIONS = list(LUND.organisation_ids)

# Text the contract can hold: no U+0000 and no lone surrogates (what JSON can escape but
# neither UTF-8 nor PostgreSQL can carry).
TEXT_CHARACTERS = st.characters(codec="utf-8", exclude_characters="\x00")


def text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text(TEXT_CHARACTERS, min_size=min_size, max_size=max_size)


def local(year: int, month: int, day: int) -> datetime:
    """A naive bound for `st.datetimes`, which bounds the wall clock and draws the zone apart."""
    return datetime(year, month, day, tzinfo=UTC).replace(tzinfo=None)


slugs = st.from_regex(r"[a-z0-9]{1,12}(-[a-z0-9]{1,12}){0,3}", fullmatch=True)
known_or_any_slug = st.sampled_from(COMMITMENTS) | st.sampled_from(COMMITMENTS) | slugs
organisations = st.lists(st.sampled_from(ORGANISATIONS) | slugs, min_size=1, max_size=20)
categories = st.from_regex(r"[a-z0-9-]{1,20}(\.[a-z0-9-]{1,20}){0,3}", fullmatch=True)


def offsets_between(low: int, high: int) -> st.SearchStrategy[timezone]:
    """Fixed UTC offsets, in whole minutes, as JSON carries them."""
    minutes = st.integers(min_value=low, max_value=high)
    return minutes.map(lambda m: timezone(timedelta(minutes=m)))


offsets = offsets_between(-(24 * 60 - 1), 24 * 60 - 1)
# A day's margin from the calendar's ends, as the contract asks of every instant.
instants = st.datetimes(min_value=local(1, 1, 3), max_value=local(9999, 12, 29), timezones=offsets)
# Anything Python can represent; and the calendar's very ends, where converting an instant
# from one zone to another overflows.
any_instants = st.datetimes(timezones=offsets)
calendar_ends = st.datetimes(
    max_value=local(1, 1, 2),
    timezones=offsets_between(1, 24 * 60 - 1),  # east of UTC
) | st.datetimes(min_value=local(9999, 12, 31), timezones=offsets_between(-(24 * 60 - 1), -1))
plausible_instants = st.datetimes(
    min_value=local(2015, 1, 1), max_value=local(2019, 12, 31), timezones=offsets
)
links = st.builds(
    "https://{}.se/{}".format, slugs, st.from_regex(r"[a-z0-9/_-]{0,30}", fullmatch=True)
)
counts = st.integers(min_value=0, max_value=100_000)

participants = st.builds(
    Participants,
    youths=st.none() | counts,
    adults=st.none() | counts,
    volunteers=st.none() | counts,
)
commitment_fields: dict[str, st.SearchStrategy[Any]] = {
    "commitment": known_or_any_slug,
    "organisations": organisations,
    "promise": st.none() | st.none() | st.just(LUND.id) | slugs,
}
place = st.none() | text(1, 200)

DATA_MODELS: dict[type[EventData], st.SearchStrategy[EventData]] = {
    ActivityCompleted: st.builds(
        ActivityCompleted,
        **commitment_fields,
        place=place,
        participants=st.none() | participants,
        notes=st.none() | text(0, 2000),
    ),
    ActivityScheduled: st.builds(
        ActivityScheduled, **commitment_fields, planned_time=instants, place=place
    ),
    ActivityCancelled: st.builds(
        ActivityCancelled, **commitment_fields, planned_time=instants, place=place
    ),
    IncidentRecorded: st.builds(
        IncidentRecorded,
        category=categories,
        area=place,
        age_band=st.sampled_from(["under-25", "25-plus", "okand"]),
        count=st.integers(min_value=1, max_value=100_000),
    ),
    SurveyPublished: st.builds(
        SurveyPublished,
        indicator=slugs,
        area=text(1, 200),
        period=st.builds(Period, start=st.dates(), end=st.dates()),
        value=st.floats(allow_nan=False, allow_infinity=False),
        scale=place,
    ),
    DeliverableCompleted: st.builds(
        DeliverableCompleted, **commitment_fields, title=text(1, 200), link=st.none() | links
    ),
    ExplanationPublished: st.builds(
        ExplanationPublished,
        **commitment_fields,
        period=st.dates(max_value=date(9999, 12, 30)).flatmap(
            lambda start: st.builds(
                Period, start=st.just(start), end=st.dates(min_value=start + timedelta(days=1))
            )
        ),
        kind=st.sampled_from(["comment", "remedy", "not-pursued"]),
        text=text(1, 2000),
    ),
    EventRetracted: st.builds(EventRetracted, event_id=text(1, 200), reason=text(1, 500)),
}

valid_data = st.one_of(list(DATA_MODELS.values()))


@st.composite
def valid_events(draw: st.DrawFn, times: st.SearchStrategy[datetime] = instants) -> CloudEvent:
    """An envelope the contract accepts, its data one of the event types' (valid) data."""
    data = draw(valid_data)
    return CloudEvent(
        specversion="1.0",
        id=draw(text(1, 200)),
        source=draw(text(1, 500)),
        type=data.TYPE,
        time=draw(times),
        subject=draw(st.none() | text(1, 200)),
        dataschema=draw(st.none() | text(0, 500)),
        schemaversion=data.VERSION,
        data=data.model_dump(mode="json", exclude_none=True),
    )


# JSON as `json.loads` returns it: NaN and infinities included (Python reads them), any text
# (U+0000 and lone surrogates included, as JSON escapes can write them).
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(exclude_categories=()), max_size=30)
)
json_documents = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _iso(value: datetime | date) -> str:
    return value.isoformat()


# Numbers where arithmetic, JSON and PostgreSQL disagree.
edge_numbers = st.sampled_from([math.nan, math.inf, -math.inf, -0.0, -1, 0, 2**31, 2**63, 1e308])
# Values for an attribute or field: sometimes right, sometimes of the wrong kind or size.
attribute_values = (
    json_documents
    | edge_numbers
    | st.one_of(plausible_instants, calendar_ends, any_instants).map(_iso)
    | st.sampled_from([*EVENT_TYPES, "1.0", *COMMITMENTS, *ORGANISATIONS])
    | text(0, 300)
)


edge_texts = st.sampled_from(
    [
        "",
        " ",
        "\x00",
        "\ud800",
        "x" * 10_000,
        "19121212-1212",
        "'; DROP TABLE register; --",
        "{{7*7}} ${{7*7}} <script>",
    ]
)


def mutants(current: Any) -> st.SearchStrategy[Any]:
    """Values in place of `current`: of its own kind at the edges, or of any other kind."""
    if isinstance(current, int | float) and not isinstance(current, bool):
        return edge_numbers | attribute_values
    if isinstance(current, str):
        return edge_texts | attribute_values
    return attribute_values


@st.composite
def event_like_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid structured event at a time of any kind, with some of it broken or left out."""
    document: dict[str, Any] = draw(valid_events(plausible_instants)).model_dump(
        mode="json", exclude_none=True
    )
    document["time"] = draw(st.one_of(plausible_instants, calendar_ends, any_instants).map(_iso))
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        # Mostly the data, where the event types' rules are; sometimes the envelope.
        target = document
        if isinstance(document.get("data"), dict) and draw(st.integers(0, 2)) > 0:
            target = document["data"]
        existing = sorted(target)
        if existing and draw(st.integers(0, 4)) > 0:
            key = draw(st.sampled_from(existing))
        else:
            key = draw(st.text(max_size=12))
        if draw(st.integers(0, 4)) > 0:
            target[key] = draw(mutants(target.get(key)))
        else:
            target.pop(key, None)
    return document


# The service's clock: any time it could plausibly be running.
clocks = st.datetimes(
    min_value=local(2016, 1, 1), max_value=local(2100, 1, 1), timezones=st.just(UTC)
)
