"""Löfte's shared kernel: event contracts, settings, messaging and database helpers.

Every service depends on this package; it depends on no service (`make lint` checks it).
Pure, free of I/O: `contracts` (events, topics, the KPI API's models and the one `Status`),
`promises`, `calendar`, `privacy`. Around them: `db` (pools, migrations, the leader lock, the
rows of received events), `messaging` (Kafka, the outbox), `background` (rounds of background
work), `access` and `http` (who calls, problem documents), `app` and `runtime` (the shape of
every service's app), `settings`, `cli`, and `contract_documents` (the contracts as the
documents partners read).
"""
