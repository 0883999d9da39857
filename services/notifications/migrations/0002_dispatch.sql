-- One notification per KPI event (or reminder, or digest) and organisation: what staff look
-- up. The key is the dedup record of scheduled notifications, as received_events is of
-- KPI events; both are written in the transaction that changes the planner's state.
CREATE TABLE notifications (
    key text PRIMARY KEY,
    kind text NOT NULL,
    organisation text NOT NULL,
    promise text,
    commitment text,
    indicator text,
    severity text NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
    labels jsonb NOT NULL,
    facts jsonb NOT NULL,
    source_event_id text NOT NULL,
    occurred_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sent', 'acknowledged', 'suppressed', 'failed')),
    -- Why it is suppressed (silenced, muted, inhibited) or failed.
    state_reason text,
    updated_at timestamptz NOT NULL
);
CREATE INDEX notifications_by_organisation ON notifications (organisation, created_at DESC);
CREATE INDEX notifications_by_commitment ON notifications (commitment, created_at DESC);
CREATE INDEX notifications_by_state ON notifications (state, created_at DESC);

-- The planner's memory (domain.DispatchState without silences and acknowledgements, which
-- have tables of their own): one row, locked FOR UPDATE by whoever changes it.
CREATE TABLE dispatch_state (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);
INSERT INTO dispatch_state (state, updated_at) VALUES (
    '{"version": 1, "pending": [], "groups": [], "silences": [], "firing": [],
      "acknowledgements": [], "critical": [], "notifications": {}}',
    now()
);

CREATE TABLE silences (
    id text PRIMARY KEY,
    matchers text[] NOT NULL CHECK (cardinality(matchers) > 0),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL CHECK (ends_at > starts_at),
    created_by text NOT NULL,
    comment text NOT NULL,
    created_at timestamptz NOT NULL,
    -- Set by DELETE: the silence holds nothing from then on; the row stays, as history.
    expired_at timestamptz
);
CREATE INDEX silences_by_end ON silences (ends_at);

CREATE TABLE acknowledgements (
    notification_key text PRIMARY KEY REFERENCES notifications (key),
    acknowledged_by text NOT NULL,
    acknowledged_at timestamptz NOT NULL,
    via text NOT NULL CHECK (via IN ('api', 'link'))
);

-- The delivery log: one row per planned message and channel target (an email address
-- list, a webhook, a Teams URL). The id is the idempotency key every attempt carries
-- (webhook-id, the mail's Message-ID), so a receiver can drop a repeated attempt.
CREATE TABLE deliveries (
    id uuid PRIMARY KEY,
    planned_at timestamptz NOT NULL,
    group_key text NOT NULL,
    route_id text NOT NULL,
    receiver text NOT NULL,
    reason text NOT NULL CHECK (reason IN ('first', 'update', 'repeat', 'escalation')),
    organisation text NOT NULL,
    channel text NOT NULL CHECK (channel IN ('email', 'webhook', 'teams')),
    -- Email: the addresses; webhook and Teams: the URL (never a secret).
    recipients text[] NOT NULL,
    notification_keys text[] NOT NULL,
    new_keys text[] NOT NULL,
    notifications jsonb NOT NULL,
    status text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sending', 'retrying', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    first_attempt_at timestamptz,
    last_attempt_at timestamptz,
    finished_at timestamptz,
    code integer,
    detail text
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('queued', 'retrying');
CREATE INDEX deliveries_by_notification ON deliveries USING gin (notification_keys);
CREATE INDEX deliveries_by_time ON deliveries (planned_at DESC);
