-- The activity register: every event accepted, once per (source, id).
CREATE TABLE register (
    source text NOT NULL,
    id text NOT NULL,
    type text NOT NULL,
    subject text NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    commitment text,
    organisations text[] NOT NULL DEFAULT '{}',
    event jsonb NOT NULL,
    PRIMARY KEY (source, id)
);
CREATE INDEX register_commitment_time ON register (commitment, occurred_at);
CREATE INDEX register_occurred_at ON register (occurred_at);

-- Records waiting to be relayed to Kafka, written in the same transaction as the register.
CREATE TABLE outbox (
    position bigserial PRIMARY KEY,
    topic text NOT NULL,
    key bytea,
    value bytea NOT NULL,
    headers jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);
