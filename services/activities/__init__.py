"""The activities service: the front door for partner systems' events.

It validates and stores what partners report (the activity register) and publishes what it
accepted to the domain topic through a transactional outbox.
"""

SERVICE = "activities"
SCHEMA = "activities"
