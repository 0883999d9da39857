"""The faststream Kafka broker as every service configures it."""

from faststream.kafka import KafkaBroker
from faststream.kafka.prometheus import KafkaPrometheusMiddleware
from prometheus_client import CollectorRegistry

from shared.messaging.connection import KafkaConnection


def create_broker(kafka: KafkaConnection, service: str, registry: CollectorRegistry) -> KafkaBroker:
    return KafkaBroker(
        kafka.bootstrap_servers,
        security=kafka.security,
        client_id=f"lofte-{service}",
        # Every accepted event must survive a broker restart, so wait for all replicas and let
        # the producer retry without creating duplicates.
        acks="all",
        enable_idempotence=True,
        middlewares=[KafkaPrometheusMiddleware(registry=registry, app_name=service)],
        logger=None,
    )
