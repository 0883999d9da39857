"""The activities service: the front door for partner systems' events.

It validates and stores what partners report (the activity register) and publishes what it
accepted to the domain topic through a transactional outbox; it answers partners what became
of each event they sent (receipts), asking the metrics service over its API for its part.
"""

SERVICE = "activities"
SCHEMA = "activities"
