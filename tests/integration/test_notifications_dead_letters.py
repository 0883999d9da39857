"""A KPI event the notifications service cannot read is parked on `lofte.metrics.v1.dlq` with
the reason, and the next good one is told as usual: one bad record never blocks the topic."""

from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from shared.contracts.cloudevents import to_kafka_headers, to_kafka_value
from shared.contracts.kpi_events import Status
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.kafka_records import header, read_topic
from tests.notifications_harness import (
    Harness,
    listed,
    notifications_service,
    status_changed,
)
from tests.polling import eventually

NO_SMTP = 2525  # the notifications stay pending: nothing is sent in this test


async def test_unreadable_kpi_events_are_parked_with_the_reason_and_the_next_one_is_told(
    notifications: Harness,
) -> None:
    clock = notifications.clock
    unknown_status = status_changed("volontarinsatser", Status.AT_RISK, clock.now)
    bad_data = to_kafka_value(unknown_status).replace(b'"at-risk"', b'"vanished"')
    unknown_type = {**to_kafka_headers(unknown_status), "ce_type": "commitment.renamed"}
    await ensure_topics(KafkaConnection(notifications.kafka), topics.ALL, notifications.namespace)
    producer = AIOKafkaProducer(bootstrap_servers=notifications.kafka)
    await producer.start()
    try:
        for value, headers in [
            (b"{not json", {"ce_id": "not-json"}),
            (bad_data, to_kafka_headers(unknown_status)),
            (to_kafka_value(unknown_status), {**unknown_type, "ce_id": "renamed"}),
        ]:
            await producer.send_and_wait(
                topics.METRICS.qualified(notifications.namespace),
                value,
                key=b"volontarinsatser",
                headers=[(name, text.encode()) for name, text in headers.items()],
            )
    finally:
        await producer.stop()
    good = status_changed("volontarinsatser", Status.BEHIND, clock.now)
    await notifications.produce([good])

    async with notifications_service(notifications.settings(NO_SMTP), clock) as client:
        told = await eventually(lambda: listed(client), lambda found: len(found) == 1)

    assert told[0]["key"] == f"{good.id}/polisen"
    parked = await read_topic(
        notifications.kafka,
        topics.dead_letter(topics.METRICS).qualified(notifications.namespace),
        at_least=3,
    )
    reasons = {header(r, "ce_id"): header(r, "dlq_reason") or "" for r in parked}
    assert "value: is not valid JSON" in reasons["not-json"]
    assert "new_status" in reasons[unknown_status.id]
    assert "unknown event type 'commitment.renamed'" in reasons["renamed"]
    assert {header(r, "dlq_service") for r in parked} == {"notifications"}
    assert {header(r, "dlq_source_topic") for r in parked} == {
        topics.METRICS.qualified(notifications.namespace)
    }
