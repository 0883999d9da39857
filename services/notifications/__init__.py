"""The notifications service: tells the organisations responsible when a promise slips.

KPI events from the metrics service, reminders before dated occurrences and the Monday
digest become notifications, one per organisation; the routing file (`domain`) decides who
hears what and when; deliveries go out by email, signed webhooks and Teams (`channels`).

What it guarantees:

- Each KPI event makes its notifications once: the dedup record, the notifications and the
  planner's state change commit in one transaction (`handlers`).
- Each planned delivery is logged once, in the transaction that records it in the
  planner's state (`workers.delivery_planner`).
- Each logged delivery reaches its target at least once, or is recorded as failed (given up
  after the retry time, or refused for good) with a metric (`workers.delivery_sender`). An
  attempt cut off by a crash is repeated under the same id (`webhook-id`; the mail's
  Message-ID), so a receiver that drops ids it has seen gets each message exactly once.

Layers, inward: `main` wires `api`, `subscribers` and `workers`; they use `handlers`; all of
them `repository` (SQL only) and `channels` (mail, webhooks, Teams); everything rests on the
pure `domain`.
"""

SERVICE = "notifications"
SCHEMA = "notifications"
