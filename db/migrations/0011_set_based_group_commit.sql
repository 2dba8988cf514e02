-- Group commit, set-based (performance issue). Migration 0007's create_payment_instruments()
-- writes a batch one record at a time, each in its own subtransaction, so that a refused record
-- rolls back alone. Measured with pg_stat_statements (bench/run, BENCH_PG_STATEMENTS=1): about
-- 170 us of PostgreSQL time per record, of which the statements themselves took about 110 and
-- entering and leaving the per-record block the rest.
--
-- Most batches have no refused record. create_payment_instruments() now first writes the whole
-- batch with one statement per table, in one subtransaction, after checking set-wise what the
-- per-record path checks (same locks, taken in a fixed order). If any check would refuse a
-- record, or any statement fails, that subtransaction is rolled back and the batch goes through
-- the per-record path, renamed create_payment_instruments_one_by_one(), exactly as before: every
-- outcome is the same as 0007's, only a batch that passes every check costs less.
--
-- The set-wise checks, each conservative (when in doubt, fall back):
--   - no record consumes a token (token batches always go one by one);
--   - every record's data key is the application's active key (share-locked, as before);
--   - every owner exists, and holds, with all of the batch's records for it, no more instruments
--     than its limit (the owners' rows are locked in (application, id) order first);
--   - every idempotency key of the batch is recorded (none held by another live record).
ALTER FUNCTION create_payment_instruments(jsonb) RENAME TO create_payment_instruments_one_by_one;

CREATE FUNCTION create_payment_instruments(batch jsonb)
RETURNS TABLE (ordinal integer, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
  epoch constant timestamptz := 'epoch'::timestamptz;
  keys_wanted integer;
  keys_taken integer;
  written boolean := false;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM jsonb_array_elements(batch) AS e WHERE e ? 'token_id') THEN
    BEGIN
      PERFORM 1 FROM data_keys d
        JOIN (SELECT DISTINCT e->'row'->>'application_id' AS application_id,
                              (e->'row'->>'secret_key_version')::integer AS version
              FROM jsonb_array_elements(batch) AS e) AS k
          ON d.application_id = k.application_id AND d.version = k.version
        WHERE d.state = 'active'
        ORDER BY d.application_id, d.version
        FOR SHARE OF d;
      IF EXISTS (SELECT 1 FROM jsonb_array_elements(batch) AS e
                 WHERE NOT EXISTS (
                   SELECT 1 FROM data_keys d
                   WHERE d.application_id = e->'row'->>'application_id'
                     AND d.version = (e->'row'->>'secret_key_version')::integer
                     AND d.state = 'active')) THEN
        RAISE EXCEPTION USING ERRCODE = 'PIFBK', MESSAGE = 'a data key is not active';
      END IF;

      -- The owners' rows, locked one by one by primary key in a fixed order (FOR UPDATE keeps
      -- the LATERAL from being turned into a join, which could scan every identity).
      PERFORM 1
        FROM (SELECT DISTINCT e->'row'->>'application_id' AS application_id,
                              e->'row'->>'identity_id' AS identity_id
              FROM jsonb_array_elements(batch) AS e
              ORDER BY 1, 2) AS o,
        LATERAL (SELECT 1 FROM identities i
                 WHERE i.application_id = o.application_id AND i.id = o.identity_id
                 FOR UPDATE) AS locked;
      -- Counted by a later statement, whose snapshot includes what a transaction we waited for
      -- above committed (in one statement, the count would miss it). A missing owner has no
      -- limit: -1 sends the batch one by one.
      IF EXISTS (
          SELECT 1
          FROM (SELECT e->'row'->>'application_id' AS application_id,
                       e->'row'->>'identity_id' AS identity_id, count(*) AS adding
                FROM jsonb_array_elements(batch) AS e GROUP BY 1, 2) AS o
          WHERE o.adding + (SELECT count(*) FROM payment_instruments p
                            WHERE p.application_id = o.application_id
                              AND p.identity_id = o.identity_id AND p.enabled)
                > coalesce((SELECT a.max_instruments_per_identity
                            FROM identities i JOIN applications a ON a.id = i.application_id
                            WHERE i.application_id = o.application_id
                              AND i.id = o.identity_id), -1)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PIFBK', MESSAGE = 'an owner is missing or full';
      END IF;

      SELECT count(*) INTO keys_wanted FROM jsonb_array_elements(batch) AS e
        WHERE e ? 'idempotency';
      IF keys_wanted > 0 THEN
        WITH taken AS (
          INSERT INTO idempotency_keys AS k
              (application_id, key, operation, request_sha256, resource_id, expires_at)
            SELECT e->'row'->>'application_id', e->'idempotency'->>'key',
                   e->'idempotency'->>'operation',
                   decode(e->'idempotency'->>'request_sha256_hex', 'hex'), e->'row'->>'id',
                   epoch + (e->'idempotency'->>'expires_us')::bigint * interval '1 microsecond'
            FROM jsonb_array_elements(batch) AS e
            WHERE e ? 'idempotency'
            ON CONFLICT (application_id, key) DO UPDATE SET operation = EXCLUDED.operation,
              request_sha256 = EXCLUDED.request_sha256, resource_id = EXCLUDED.resource_id,
              created_at = now(), expires_at = EXCLUDED.expires_at
            WHERE k.expires_at <= now()
            RETURNING 1)
        SELECT count(*) INTO keys_taken FROM taken;
        IF keys_taken <> keys_wanted THEN
          RAISE EXCEPTION USING ERRCODE = 'PIFBK', MESSAGE = 'an idempotency key is in use';
        END IF;
      END IF;

      INSERT INTO payment_instruments (application_id, id, identity_id, type, enabled,
          holder_name, tags, address, currency, secret_ciphertext, created_at, updated_at,
          card_bin, card_last_four, card_brand, card_exp_month, card_exp_year, card_type,
          card_issuer_country, card_issuer_name, card_security_code_check, card_address_check,
          card_account_updater_enabled, card_network_token_enabled,
          bank_masked_account_number, bank_last_four, bank_routing_number,
          bank_institution_number, bank_transit_number, bank_account_type, bank_country,
          bank_validation_check, wallet_third_party, wallet_merchant_identity,
          secret_key_version, fingerprint, created_via)
        SELECT r.application_id, r.id, r.identity_id, r.type, r.enabled,
          r.holder_name, r.tags, r.address, r.currency, decode(e.value->>'ciphertext_hex', 'hex'),
          epoch + (e.value->>'created_us')::bigint * interval '1 microsecond',
          epoch + (e.value->>'updated_us')::bigint * interval '1 microsecond',
          r.card_bin, r.card_last_four, r.card_brand, r.card_exp_month,
          r.card_exp_year, r.card_type, r.card_issuer_country, r.card_issuer_name,
          r.card_security_code_check, r.card_address_check, r.card_account_updater_enabled,
          r.card_network_token_enabled, r.bank_masked_account_number, r.bank_last_four,
          r.bank_routing_number, r.bank_institution_number, r.bank_transit_number,
          r.bank_account_type, r.bank_country, r.bank_validation_check, r.wallet_third_party,
          r.wallet_merchant_identity, r.secret_key_version, r.fingerprint, r.created_via
        FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(value, n),
             jsonb_populate_record(NULL::payment_instruments, e.value->'row') AS r
        ORDER BY e.n;

      INSERT INTO audit_events (application_id, credential_id, action, resource_id, outcome,
                                request_id, detail)
        SELECT a.application_id, a.credential_id, a.action, a.resource_id, a.outcome,
               a.request_id, a.detail
        FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(value, n),
             jsonb_populate_record(NULL::audit_events, e.value->'audit') AS a
        ORDER BY e.n;
      written := true;
    EXCEPTION
      WHEN OTHERS THEN
        written := false;  -- everything above is rolled back; the batch goes one by one
    END;
  END IF;

  IF written THEN
    RETURN QUERY SELECT (e.n - 1)::integer, 'OK'::text
      FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(value, n);
    RETURN;
  END IF;
  RETURN QUERY SELECT o.ordinal, o.outcome FROM create_payment_instruments_one_by_one(batch) AS o;
END
$$;
