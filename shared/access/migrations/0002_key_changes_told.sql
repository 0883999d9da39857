-- Services remember the keys they found valid. Any change to a key (revoked, deleted, its
-- role or organisation changed, by `lofte keys` or by hand) is told to every instance of
-- every service when, and only if, the changing transaction commits; each forgets the key.
CREATE FUNCTION tell_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('access_key_changed', OLD.key_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER api_key_changed
    AFTER UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION tell_key_changed();
