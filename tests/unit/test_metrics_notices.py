"""What an instance tells the others when it applied a batch: its name, and which KPIs the
batch can have changed, so that their owners evaluate those."""

from services.metrics.domain.touched import EVERYTHING, Touched
from services.metrics.shared_events import heard, notice

POSTGRES_PAYLOAD_BYTES = 8_000


def test_a_notice_says_who_applied_a_batch_and_what_it_touched() -> None:
    touched = Touched(frozenset({"sno-mote", "foreningsliv"}), True, frozenset({"trygghet"}))

    assert heard(notice("metrics-1", touched)) == ("metrics-1", touched)
    assert heard(notice("metrics-1", EVERYTHING)) == ("metrics-1", EVERYTHING)


def test_a_notice_of_an_instance_that_names_only_itself_touches_everything() -> None:
    assert heard("3f2a9c1b7d0e") == ("3f2a9c1b7d0e", EVERYTHING)
    assert heard("123456789012") == ("123456789012", EVERYTHING)


def test_a_batch_that_touched_more_than_a_notice_holds_is_told_as_touching_everything() -> None:
    touched = Touched(frozenset(f"commitment-number-{n}" for n in range(1_000)))

    payload = notice("metrics-1", touched)

    assert len(payload.encode()) < POSTGRES_PAYLOAD_BYTES
    assert heard(payload) == ("metrics-1", EVERYTHING)
