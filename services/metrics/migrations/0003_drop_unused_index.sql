-- Nothing reads applied events by subject and time (the KPI engine reads them by `seq`), and
-- keeping the index up to date cost a tenth of every insert.
DROP INDEX IF EXISTS applied_events_subject_time;
