-- Which instance owns each partition of the activities topic, and under which claim: only the
-- owner of a KPI's partition announces it, and only while its claim (epoch) stands. The
-- owner's latest evaluation of the partition's KPIs began at `evaluated_at`.
CREATE TABLE partition_owners (
    topic text NOT NULL,
    partition integer NOT NULL,
    owner text NOT NULL,
    epoch bigint NOT NULL,
    claimed_at timestamptz NOT NULL,
    evaluated_at timestamptz,
    PRIMARY KEY (topic, partition)
);

-- How many announcements each ledger has made: the next one's id follows from it, so that
-- every instance names the same change alike.
ALTER TABLE kpi_announced ADD COLUMN announcements bigint NOT NULL DEFAULT 0;
