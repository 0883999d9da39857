"""Creates the project's topics as declared in `shared.contracts.topics`."""

import logging
from collections.abc import Iterable

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.contracts.topics import TopicSpec
from shared.messaging.connection import KafkaConnection

log = logging.getLogger(__name__)


async def ensure_topics(
    kafka: KafkaConnection,
    specs: Iterable[TopicSpec],
    namespace: str = "",
    *,
    replication_factor: int = 1,
) -> list[str]:
    """Create whichever of `specs` do not exist yet; return the names created."""
    admin = AIOKafkaAdminClient(**kafka.aiokafka_options(), client_id="lofte-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(
                name=spec.qualified(namespace),
                num_partitions=spec.partitions,
                replication_factor=replication_factor,
                topic_configs={"retention.ms": str(spec.retention_ms)},
            )
            for spec in specs
            if spec.qualified(namespace) not in existing
        ]
        if not missing:
            return []
        response = await admin.create_topics(missing)
        created = []
        for name, code, _message in response.topic_errors:
            if code == 0:
                created.append(name)
            elif code != TopicAlreadyExistsError.errno:  # another instance was quicker
                raise RuntimeError(f"could not create topic {name}: error code {code}")
        log.info("created topics: %s", ", ".join(created))
        return created
    finally:
        await admin.close()
