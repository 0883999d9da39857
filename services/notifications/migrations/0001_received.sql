-- KPI events received from the metrics service, once per (source, id).
CREATE TABLE received_events (
    source text NOT NULL,
    id text NOT NULL,
    type text NOT NULL,
    subject text NOT NULL,
    occurred_at timestamptz NOT NULL,
    data jsonb NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, id)
);
CREATE INDEX received_events_subject ON received_events (subject, occurred_at);
