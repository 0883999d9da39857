-- API keys of partner systems, one organisation each. Only a hash of the secret is kept.
CREATE TABLE api_keys (
    key_id text PRIMARY KEY,
    organisation text NOT NULL,
    secret_sha256 bytea NOT NULL,
    label text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- Who reported each event (a retraction must come from the same organisation; empty for the
-- ingest topic, where the broker's ACLs decide), and the promise a commitment event is about.
ALTER TABLE register ADD COLUMN reported_by text NOT NULL DEFAULT '';
ALTER TABLE register ADD COLUMN promise text;
CREATE INDEX register_promise_time ON register (promise, occurred_at);
