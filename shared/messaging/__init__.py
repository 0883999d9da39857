"""Kafka helpers: broker construction, topic creation, dead letters, batch consumption and
the transactional outbox relay."""
