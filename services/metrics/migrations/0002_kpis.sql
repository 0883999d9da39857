-- The KPI engine reads the applied events back as CloudEvents; `seq` lets an instance pick up
-- what others applied since it last looked.
ALTER TABLE applied_events ADD COLUMN seq bigserial;
ALTER TABLE applied_events ADD COLUMN schema_version integer NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX applied_events_seq ON applied_events (seq);

-- What has been told to the notifications service about each promise's KPIs, updated in the
-- same transaction as the outbox rows that tell it.
CREATE TABLE kpi_announced (
    promise text PRIMARY KEY,
    announced jsonb NOT NULL,
    evaluated_at timestamptz NOT NULL
);

-- Superseded by the KPI engine.
DROP TABLE commitment_tallies;
