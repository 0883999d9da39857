from collections import Counter
from datetime import UTC, datetime, timedelta

from services.activities.domain import Catalogue, accept
from shared.contracts.cloudevents import parse_structured
from shared.contracts.errors import InvalidEvent
from shared.promises import default_promises
from simulator.clock import SimulatedClock
from simulator.stream import LUND as LUND_TIME
from simulator.stream import events_between

START = datetime(2017, 3, 1, tzinfo=LUND_TIME)
A_YEAR_LATER = datetime(2018, 3, 1, tzinfo=LUND_TIME)
LUND = Catalogue(default_promises())


def test_the_same_seed_gives_the_same_events_however_the_window_is_cut() -> None:
    middle = datetime(2017, 3, 15, 13, 7, tzinfo=LUND_TIME)
    end = datetime(2017, 4, 1, tzinfo=LUND_TIME)

    whole = list(events_between(START, end, seed=1))
    pieces = [*events_between(START, middle, seed=1), *events_between(middle, end, seed=1)]

    assert whole == pieces
    assert whole != list(events_between(START, end, seed=2))


def test_simulated_events_meet_the_contract_but_for_the_few_meant_to_be_refused() -> None:
    events = list(events_between(START, A_YEAR_LATER, seed=2017))
    refused: list[str] = []

    for document in events:
        event = parse_structured(document)
        try:
            accept(event, event.time, LUND)
        except InvalidEvent as error:
            refused.append(str(error))

    assert 0 < len(refused) < len(events) / 100
    assert all("not responsible" in reason and "lansstyrelsen" in reason for reason in refused)


def test_partners_quirks_show_up_a_retraction_a_duplicate_and_a_late_report() -> None:
    events = list(events_between(START, A_YEAR_LATER, seed=2017))
    identities = [(e["source"], e["id"]) for e in events]
    retracted = {e["data"]["event_id"] for e in events if e["type"] == "event.retracted"}

    assert len(set(identities)) < len(identities)  # some sent twice
    assert retracted <= {e["id"] for e in events}
    assert retracted
    sent_times = [datetime.fromisoformat(e["time"]) for e in events]
    assert sent_times != sorted(sent_times)  # late reports arrive after later events


def test_a_simulated_year_looks_like_lund() -> None:
    events = list(events_between(START, A_YEAR_LATER, seed=2017))
    activities = Counter(
        e["data"]["commitment"] for e in events if e["type"] == "activity.completed"
    )
    drug_crimes = sum(
        1
        for e in events
        if e["type"] == "incident.recorded" and e["data"]["category"].startswith("narkotika")
    )

    assert 36 <= activities["sno-mote"] <= 52  # most Mondays, not all
    assert (
        120 <= activities["motesplatser-besok"] <= 200
    )  # 3 organisations x 4 places x 12 months, with gaps
    assert 120 <= drug_crimes <= 300  # around the 2016 rate of 161 in nine months


def test_simulated_time_runs_fast_but_never_past_now() -> None:
    ticks = iter([0.0, 10.0, 10_000_000.0])
    real_now = datetime(2017, 6, 1, tzinfo=UTC)
    clock = SimulatedClock(START, speed=3600, monotonic=lambda: next(ticks), wall=lambda: real_now)

    assert clock.now() == START + timedelta(hours=10)
    assert clock.now() == real_now
