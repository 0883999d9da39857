-- The KPI state: applied events folded into buckets, so that no instance keeps every event in
-- memory and every instance reads the same state (see services/metrics/kpi_state.py).

-- When an event was retracted (by its earliest retraction): KPIs as of an earlier time still
-- count it.
ALTER TABLE applied_events ADD COLUMN retracted_at timestamptz;
UPDATE applied_events AS retracted
SET retracted_at = retraction.first
FROM (
    SELECT source, data ->> 'event_id' AS event_id, min(occurred_at) AS first
    FROM applied_events
    WHERE type = 'event.retracted'
    GROUP BY source, data ->> 'event_id'
) AS retraction
WHERE retracted.source = retraction.source
  AND retracted.id = retraction.event_id
  AND retracted.type <> 'event.retracted';

-- A day's events, read whole for the day an evaluation cuts inside; and a bucket's members.
CREATE INDEX applied_events_time ON applied_events (occurred_at);
-- The kinds read event by event (few: a deliverable is done once, explanations and surveys are
-- written by people), without reading past every activity and incident.
CREATE INDEX applied_events_read_whole ON applied_events (occurred_at)
    WHERE type IN ('deliverable.completed', 'survey.published', 'explanation.published');
-- The events retracted after some instant, which KPIs as of that instant count again.
CREATE INDEX applied_events_retracted ON applied_events (retracted_at)
    WHERE retracted_at IS NOT NULL;

-- Which bucket an event falls in, written once for every statement that folds events in or
-- out: the item (commitment; none for incidents, which every outcome reads) and what the KPI
-- rules read of its data (all of it but an activity's free-text notes).
CREATE FUNCTION kpi_bucket_item(type text, data jsonb) RETURNS text
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN type = 'incident.recorded' THEN '' ELSE data ->> 'commitment' END;
CREATE FUNCTION kpi_bucket_data(type text, data jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    RETURN CASE WHEN type = 'activity.completed' THEN data - 'notes' ELSE data END;

-- Completed activities and recorded incidents alike on one local day (in a promise's zone)
-- for the same commitment, promise and everything the KPI rules read of them: how many
-- (`weight`, retracted ones left out) and the first of them in (time, source, id) order.
-- `data_key` stands for `data` in the key (an index entry cannot hold any size of JSON).
CREATE SEQUENCE kpi_bucket_versions;
CREATE TABLE kpi_buckets (
    zone text NOT NULL,
    day date NOT NULL,
    type text NOT NULL,
    item text NOT NULL,
    promise text NOT NULL,
    schema_version integer NOT NULL,
    data_key text NOT NULL,
    data jsonb NOT NULL,
    weight bigint NOT NULL,
    first_time timestamptz,
    first_source text,
    first_id text,
    -- Handed out under the writers' lock, so in commit order: a reader that has seen a
    -- version has seen every earlier one.
    version bigint NOT NULL,
    PRIMARY KEY (zone, day, type, item, promise, schema_version, data_key)
);
CREATE INDEX kpi_buckets_versions ON kpi_buckets (zone, version);

-- The zones whose buckets are kept, each built from every applied event when first asked for.
CREATE TABLE kpi_bucket_zones (
    zone text PRIMARY KEY,
    built_at timestamptz NOT NULL DEFAULT now()
);

-- How many events the buckets have taken in (every type), for `lofte_kpi_evaluated_events`.
CREATE TABLE kpi_bucket_totals (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    applied bigint NOT NULL
);
INSERT INTO kpi_bucket_totals (applied) SELECT count(*) FROM applied_events;
