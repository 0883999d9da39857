"""The event types partner systems send, and the data each one carries.

Each type has a current schema version. A breaking change to a type's data bumps its
version and registers an upcaster from the previous one, so old events (the activities
topic is kept forever) still read as the current model.

Events count; they never identify a person. Free text is checked for personal identity
numbers where it enters the system (the activities service), not here.
"""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from shared.contracts.cloudevents import CloudEvent, Instant
from shared.contracts.errors import InvalidEvent

Slug = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Organisations = Annotated[list[Slug], Field(min_length=1, max_length=20)]
IncidentCategory = Annotated[
    str, Field(min_length=1, max_length=100, pattern=r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*$")
]
AgeBand = Literal["under-25", "25-plus", "okand"]


class EventData(BaseModel):
    """The data of one event type; subclasses name their CloudEvents `type`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    TYPE: ClassVar[str]
    VERSION: ClassVar[int] = 1

    def commitment_id(self) -> str | None:
        """The commitment the event reports on, when it reports on one."""
        return None


PLACE = (
    "where it took place; where the commitment's target names places (meeting places, classes, "
    "dated occurrences) one of them, in any case or spacing, or an alias the promise lists"
)


class CommitmentEvent(EventData):
    commitment: Slug = Field(description="the commitment's id in its promise, e.g. sno-mote")
    organisations: Organisations = Field(
        description="the organisations that took part, each responsible for the commitment; "
        "the reporting organisation among them"
    )
    # Needed only when rounds of a promise that are valid at the same time share a commitment id.
    promise: Slug | None = Field(
        default=None,
        description="the promise's id; needed only when rounds of a promise overlap",
    )

    def commitment_id(self) -> str | None:
        return self.commitment


class Participants(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    youths: Annotated[int, Field(ge=0, le=100_000)] | None = None
    adults: Annotated[int, Field(ge=0, le=100_000)] | None = None
    volunteers: Annotated[int, Field(ge=0, le=100_000)] | None = None


class ActivityCompleted(CommitmentEvent):
    """An activity of a commitment took place; the event's `time` is when."""

    TYPE = "activity.completed"

    place: ShortText | None = Field(default=None, description=PLACE)
    participants: Participants | None = Field(
        default=None, description="how many took part (counts, never who)"
    )
    notes: Annotated[str, Field(max_length=2000)] | None = Field(
        default=None, description="free text; never a name or a personal identity number"
    )


class ActivityScheduled(CommitmentEvent):
    TYPE = "activity.scheduled"

    planned_time: Instant
    place: ShortText | None = Field(default=None, description=PLACE)


class ActivityCancelled(CommitmentEvent):
    TYPE = "activity.cancelled"

    planned_time: Instant
    place: ShortText | None = Field(default=None, description=PLACE)


class IncidentRecorded(EventData):
    """Crimes recorded in an area, counted by category and age band; the `time` is when."""

    TYPE = "incident.recorded"

    category: IncidentCategory
    area: ShortText | None = None
    age_band: AgeBand = "okand"
    count: Annotated[int, Field(ge=1, le=100_000)] = 1


class Period(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    start: date
    end: date


class SurveyPublished(EventData):
    TYPE = "survey.published"

    indicator: Slug
    area: ShortText
    period: Period
    # Finite only: JSON has no NaN or infinity, and PostgreSQL's jsonb would keep null instead.
    value: Annotated[float, Field(allow_inf_nan=False)]
    scale: ShortText | None = None


class DeliverableCompleted(CommitmentEvent):
    TYPE = "deliverable.completed"

    title: ShortText
    link: HttpUrl | None = None


ExplanationKind = Literal["comment", "remedy", "not-pursued"]


class ExplanationPublished(CommitmentEvent):
    """The organisations responsible for a commitment say, to the people the promise is made
    to, why it stands as it does in a period and what they will do about it. `not-pursued`:
    it was deliberately not pursued in that period, which it then shows instead of `missed`
    (and nobody is reminded of it). Shown with the KPI, in the weekly digest, in the follow-up
    report and on the public site; retracted like any event."""

    TYPE = "explanation.published"

    period: Period = Field(
        description="the commitment's period it explains, as the KPI API shows it "
        "({start, end}, end excluded); it explains the period that holds its start"
    )
    kind: ExplanationKind = Field(
        description="comment: why it stands so; remedy: what will be done instead; "
        "not-pursued: deliberately not pursued in the period"
    )
    text: Annotated[str, Field(min_length=1, max_length=2000)] = Field(
        description="plain text for the public, in the promise's language; never anything "
        "that identifies a person"
    )

    @field_validator("period")
    @classmethod
    def _period_has_days(cls, period: Period) -> Period:
        if period.end <= period.start:
            raise ValueError("its end (excluded) must come after its start")
        return period


class EventRetracted(EventData):
    """An earlier event of the same source is withdrawn; a correction re-sends it anew."""

    TYPE = "event.retracted"

    event_id: Annotated[str, Field(min_length=1, max_length=200)]
    reason: Annotated[str, Field(min_length=1, max_length=500)]


EVENT_TYPES: Mapping[str, type[EventData]] = {
    model.TYPE: model
    for model in (
        ActivityCompleted,
        ActivityScheduled,
        ActivityCancelled,
        IncidentRecorded,
        SurveyPublished,
        DeliverableCompleted,
        ExplanationPublished,
        EventRetracted,
    )
}

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
# (type, version it reads) -> function returning the data at version + 1.
UPCASTERS: Mapping[tuple[str, int], Upcaster] = {}


def upcast(
    event_type: str,
    version: int,
    data: dict[str, Any],
    target: int,
    upcasters: Mapping[tuple[str, int], Upcaster] = UPCASTERS,
) -> dict[str, Any]:
    """Bring `data` written at `version` up to `target`, one registered step at a time."""
    while version < target:
        step = upcasters.get((event_type, version))
        if step is None:
            raise InvalidEvent.single(
                "schemaversion", f"no upgrade from version {version} of {event_type}"
            )
        data = step(data)
        version += 1
    return data


def parse_data(event: CloudEvent, types: Mapping[str, type[EventData]] = EVENT_TYPES) -> EventData:
    """The typed data of an event, upcast to the current schema version of its type."""
    return parse_typed(event.type, event.schemaversion, event.data, types)


def parse_typed(
    event_type: str,
    version: int,
    data: dict[str, Any],
    types: Mapping[str, type[EventData]] = EVENT_TYPES,
) -> EventData:
    """Data of `event_type` written at schema `version`, typed and upcast to the current one."""
    model = types.get(event_type)
    if model is None:
        known = ", ".join(sorted(types))
        raise InvalidEvent.single("type", f"unknown event type {event_type!r}; known: {known}")
    if version > model.VERSION:
        raise InvalidEvent.single(
            "schemaversion",
            f"version {version} of {event_type} is newer than this service knows ({model.VERSION})",
        )
    data = upcast(event_type, version, data, model.VERSION)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidEvent.from_validation_error(error, prefix="data") from None
