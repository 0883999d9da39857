-- A fresh value on every change of the state: an instance that wrote the state itself reads
-- it back from memory while nobody else has changed it (NULL: read it).
ALTER TABLE dispatch_state ADD COLUMN version uuid;
