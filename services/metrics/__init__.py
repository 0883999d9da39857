"""The metrics service: turns the accepted events into KPIs, exactly once.

It consumes the domain topic in batches, keeps its state in PostgreSQL (the dedup record and
the state change in one transaction) and publishes KPI changes through an outbox.
"""

SERVICE = "metrics"
SCHEMA = "metrics"
