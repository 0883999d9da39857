-- API keys of partner systems, staff scripts and admins. Only a hash of the secret is kept.
-- A key without a role was made before keys had roles: it reports as a partner in
-- development, and production refuses to start while one is still valid.
CREATE TABLE api_keys (
    key_id text PRIMARY KEY,
    organisation text,
    role text CHECK (role IN ('partner', 'staff', 'admin')),
    secret_sha256 bytea NOT NULL,
    label text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    -- Only an admin may belong to no organisation.
    CHECK (organisation IS NOT NULL OR role = 'admin')
);
