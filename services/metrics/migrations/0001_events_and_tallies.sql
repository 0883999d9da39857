-- Every event applied, once per (source, id): the dedup record and the log KPIs derive from.
CREATE TABLE applied_events (
    source text NOT NULL,
    id text NOT NULL,
    type text NOT NULL,
    subject text NOT NULL,
    occurred_at timestamptz NOT NULL,
    data jsonb NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, id)
);
CREATE INDEX applied_events_subject_time ON applied_events (subject, occurred_at);

-- Completed activities per commitment and period (calendar year, Europe/Stockholm).
CREATE TABLE commitment_tallies (
    commitment text NOT NULL,
    period_start date NOT NULL,
    period_end date NOT NULL,
    done integer NOT NULL CHECK (done >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (commitment, period_start)
);

CREATE TABLE outbox (
    position bigserial PRIMARY KEY,
    topic text NOT NULL,
    key bytea,
    value bytea NOT NULL,
    headers jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
