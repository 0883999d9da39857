"""The notifications service's background work, each a loop of rounds (`shared.background`):
`reminders_and_digests` makes the notifications the calendar calls for, `delivery_planner`
plans who gets what when, and `delivery_sender` works the delivery log, one
`delivery_attempts` at a time."""
