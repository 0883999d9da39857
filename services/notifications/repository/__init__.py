"""The notifications service's records in PostgreSQL, and nothing but the SQL: KPI events
received (`received_events`), notifications and their answers (`notifications`), the planner's
state row (`dispatch_state`, its document in `state_json`), the delivery log (`deliveries`),
silences (`silences`) and what staff look up (`queries`)."""
