-- A receipt asks whether an event was retracted: found by index, not by reading the source's
-- every event. Only retractions are indexed.
CREATE INDEX applied_events_retractions ON applied_events (source, (data ->> 'event_id'))
    WHERE type = 'event.retracted';
