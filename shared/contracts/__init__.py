"""The contracts partner systems, services and dashboards depend on: the CloudEvents envelope
(`cloudevents`), the events partners send (`events`) and the metrics service publishes
(`kpi_events`, with the one `Status` enum), the KPI API's answers (`kpis`), receipts
(`receipts`), why an event is refused (`errors`), topic names (`topics`) and the events' JSON
Schemas (`schemas`).

Names here (event types, topics, attributes, fields) are public: change them only by adding.
"""
