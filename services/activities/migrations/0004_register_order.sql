-- The register's one order, (occurred_at, source, id): every page of GET /v1/activities
-- starts after a position in it, found through this index rather than by sorting.
CREATE INDEX register_order ON register (occurred_at, source, id);
DROP INDEX register_occurred_at;
