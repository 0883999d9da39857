-- API keys now let staff and admins into every service, so they moved to the schema all
-- services share (`access`, migrated before this one). The keys made so far keep working,
-- without a role until they are replaced (see shared/access/migrations/0001_api_keys.sql).
INSERT INTO access.api_keys (key_id, organisation, role, secret_sha256, label, created_at,
                             revoked_at)
SELECT key_id, organisation, NULL, secret_sha256, label, created_at, revoked_at FROM api_keys;
DROP TABLE api_keys;
