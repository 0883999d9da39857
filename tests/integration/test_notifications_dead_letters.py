"""A KPI event the notifications service cannot read is parked on `lofte.metrics.v1.dlq` with
the reason, and the next good one is told as usual: one bad record never blocks the topic."""

from pathlib import Path

from aiokafka import AIOKafkaProducer

from shared.contracts import topics
from shared.contracts.cloudevents import to_kafka_headers, to_kafka_value
from shared.messaging.admin import ensure_topics
from shared.messaging.connection import KafkaConnection
from tests.kafka_records import header, read_topic
from tests.notifications_harness import (
    Clock,
    listed,
    local,
    notifications_service,
    produce,
    routing_file,
    settings,
    status_changed,
)
from tests.polling import eventually

NO_SMTP = 2525  # the notifications stay pending: nothing is sent in this test


async def test_unreadable_kpi_events_are_parked_with_the_reason_and_the_next_one_is_told(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> None:
    clock = Clock(local(2017, 5, 16, 10, 0))
    unknown_status = status_changed("volontarinsatser", "at-risk", clock.now)
    bad_data = to_kafka_value(unknown_status).replace(b'"at-risk"', b'"vanished"')
    unknown_type = {**to_kafka_headers(unknown_status), "ce_type": "commitment.renamed"}
    await ensure_topics(KafkaConnection(kafka_bootstrap), topics.ALL, namespace)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        for value, headers in [
            (b"{not json", {"ce_id": "not-json"}),
            (bad_data, to_kafka_headers(unknown_status)),
            (to_kafka_value(unknown_status), {**unknown_type, "ce_id": "renamed"}),
        ]:
            await producer.send_and_wait(
                topics.METRICS.qualified(namespace),
                value,
                key=b"volontarinsatser",
                headers=[(name, text.encode()) for name, text in headers.items()],
            )
    finally:
        await producer.stop()
    good = status_changed("volontarinsatser", "behind", clock.now)
    await produce(kafka_bootstrap, namespace, [good])

    config = settings(kafka_bootstrap, database_url, namespace, routing_file(tmp_path), NO_SMTP)
    async with notifications_service(config, clock) as client:
        told = await eventually(lambda: listed(client), lambda found: len(found) == 1)

    assert told[0]["key"] == f"{good.id}/polisen"
    parked = await read_topic(
        kafka_bootstrap, topics.dead_letter(topics.METRICS).qualified(namespace), at_least=3
    )
    reasons = {header(r, "ce_id"): header(r, "dlq_reason") or "" for r in parked}
    assert "value: is not valid JSON" in reasons["not-json"]
    assert "new_status" in reasons[unknown_status.id]
    assert "unknown event type 'commitment.renamed'" in reasons["renamed"]
    assert {header(r, "dlq_service") for r in parked} == {"notifications"}
    assert {header(r, "dlq_source_topic") for r in parked} == {topics.METRICS.qualified(namespace)}
