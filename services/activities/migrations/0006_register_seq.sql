-- The register's order of registration: each registration takes a number after the lock of
-- its events' keys (see repository.store), so of two registrations of one key the later
-- number is the one that committed later. The outbox relay publishes each key's records in
-- this order, each with its number (the `lofte-register-seq` header).
-- CACHE 1 (the default) on purpose: a session's cache of numbers would hand out numbers taken
-- before the lock.
CREATE SEQUENCE register_seq AS bigint CACHE 1;
ALTER TABLE register ADD COLUMN register_seq bigint;

-- Events registered before: numbered in the order they were received, as near as is known
-- (their records went out without a number).
UPDATE register SET register_seq = numbered.n
FROM (
    SELECT source, id, row_number() OVER (ORDER BY received_at, source, id) AS n FROM register
) AS numbered
WHERE register.source = numbered.source AND register.id = numbered.id;
SELECT setval('register_seq', coalesce(max(register_seq), 0) + 1, false) FROM register;

ALTER TABLE register
    ALTER COLUMN register_seq SET DEFAULT nextval('register_seq'),
    ALTER COLUMN register_seq SET NOT NULL;
ALTER SEQUENCE register_seq OWNED BY register.register_seq;
