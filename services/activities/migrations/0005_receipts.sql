-- Receipts: what became of each event a partner sent (GET /v1/events/{source}/{id}).

-- When the outbox relay published the event to the domain topic, set in the transaction that
-- deletes its outbox rows. Events registered before this column was added were published
-- without the time being kept: they read '-infinity' (published, time unknown).
ALTER TABLE register ADD COLUMN published_at timestamptz;
UPDATE register SET published_at = '-infinity'
WHERE (source, id) NOT IN (
    SELECT headers ->> 'ce_source', headers ->> 'ce_id' FROM outbox
    WHERE headers ->> 'ce_source' IS NOT NULL AND headers ->> 'ce_id' IS NOT NULL
);

-- The event a retraction retracts, so that an event's receipt finds its retraction by index.
ALTER TABLE register ADD COLUMN retracts text;
UPDATE register SET retracts = event -> 'data' ->> 'event_id' WHERE type = 'event.retracted';
CREATE INDEX register_retractions ON register (source, retracts) WHERE retracts IS NOT NULL;

-- Events refused, by (source, id), the latest refusal of each: over HTTP with the status the
-- caller got, from the ingest topic with the reason the record was dead-lettered with.
-- Kept for a while and to a number (see services/activities/refusals.py), never for ever.
CREATE TABLE refusals (
    source text NOT NULL,
    id text NOT NULL,
    refused_at timestamptz NOT NULL DEFAULT now(),
    channel text NOT NULL CHECK (channel IN ('http', 'kafka')),
    status integer,
    reason text NOT NULL,
    reported_by text NOT NULL DEFAULT '',
    organisations text[] NOT NULL DEFAULT '{}',
    dead_letter jsonb,
    PRIMARY KEY (source, id)
);
CREATE INDEX refusals_refused_at ON refusals (refused_at);
