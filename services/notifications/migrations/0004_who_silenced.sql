-- Staff silence and see only their own organisation's notifications: a silence records the
-- organisation its matchers pin (organisation="…"; NULL when they pin none, which only an
-- admin may create), and who ended it early besides who made it.
ALTER TABLE silences ADD COLUMN organisation text;
ALTER TABLE silences ADD COLUMN expired_by text;
UPDATE silences SET organisation = (
    SELECT substring(matcher FROM '^organisation="([^"\\]*)"$')
      FROM unnest(silences.matchers) AS matcher
     WHERE matcher ~ '^organisation="[^"\\]*"$'
     LIMIT 1
);
CREATE INDEX silences_by_organisation ON silences (organisation, ends_at);
