-- Credential cache invalidation (performance issue): pi-server remembers credentials it has
-- looked up, so authenticating a request costs no query. Any change to a credential row
-- (revocation by the admin CLI, or an operator's own UPDATE or DELETE) notifies every pi-server
-- listening on channel `credentials_changed` with the credential's id, when the change commits;
-- they forget it at once. See services/instruments/storage/pg_credential_listener.h.
CREATE FUNCTION credentials_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('credentials_changed', OLD.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER credentials_changed
  AFTER UPDATE OR DELETE ON credentials
  FOR EACH ROW EXECUTE FUNCTION credentials_notify_change();
