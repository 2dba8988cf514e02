-- Instrument cache invalidation (performance issue): pi-server remembers the masked instruments
-- it has read, so reading one again costs no query. Any change to what a read returns (an
-- update, a disable, an operator's own UPDATE or DELETE) notifies every pi-server listening on
-- channel `instruments_changed` with the instrument's id, when the change commits; they forget
-- it at once. Re-encryption under a new data key changes only the sealed secret, which the cache
-- never holds, so it does not notify (a rotation would otherwise send one per row).
-- See services/instruments/domain/instrument_cache.h.
CREATE FUNCTION instruments_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('instruments_changed', OLD.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER instruments_changed
  AFTER UPDATE ON payment_instruments
  FOR EACH ROW
  WHEN (to_jsonb(OLD) - ARRAY['secret_ciphertext', 'secret_key_version']
        IS DISTINCT FROM to_jsonb(NEW) - ARRAY['secret_ciphertext', 'secret_key_version'])
  EXECUTE FUNCTION instruments_notify_change();
CREATE TRIGGER instruments_deleted
  AFTER DELETE ON payment_instruments
  FOR EACH ROW EXECUTE FUNCTION instruments_notify_change();
