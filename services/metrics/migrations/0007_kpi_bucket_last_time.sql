-- When the latest event folded into a bucket happened (not lowered when one is taken out, so
-- never earlier than the latest left in it). An evaluation as of an instant on a bucket's
-- day reads that day's events one by one only while some bucket of the day holds an event
-- after the instant; the KPIs of now, evaluated after everything applied so far, then read
-- today's buckets as they are instead of today's every event. Buckets kept before this are
-- bounded by the end of their day.
ALTER TABLE kpi_buckets ADD COLUMN last_time timestamptz;
UPDATE kpi_buckets SET last_time = (day + 1)::timestamp AT TIME ZONE zone
WHERE first_time IS NOT NULL;
