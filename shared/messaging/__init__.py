"""Kafka, for every service, so that no service's own code needs to know it beyond its
`subscribers` module: broker construction (`broker`, `connection`), topic creation (`admin`),
batch consumption with an exactly-once effect (`consumer`, with `readable_headers` for the
records the framework would drop and `progress` for caught-up and lag), the partitions
assigned (`assignment`), dead letters (`dead_letter`) and the transactional outbox relay
(`outbox`). Services are handed CloudEvents, never records; what their use cases need of this
package (`applied`, `outbox_rows`) imports no Kafka, and `make lint` holds them to that."""
