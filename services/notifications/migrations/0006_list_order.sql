-- The API's lists page newest first in these orders, each page starting after the last row
-- of the one before: an index in the same order finds a page without sorting the table.
CREATE INDEX received_events_newest
    ON received_events (received_at DESC, occurred_at DESC, source DESC, id DESC);
CREATE INDEX notifications_newest ON notifications (created_at DESC, key DESC);
CREATE INDEX deliveries_newest ON deliveries (planned_at DESC, id DESC);
DROP INDEX deliveries_by_time;  -- the one above serves what it served
CREATE INDEX silences_newest ON silences (starts_at DESC, id DESC);
