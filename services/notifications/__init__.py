"""The notifications service: tells the organisations responsible when a promise slips.

It consumes what the metrics service publishes, exactly once (the dedup record and what it
records commit in one transaction).
"""

SERVICE = "notifications"
SCHEMA = "notifications"
