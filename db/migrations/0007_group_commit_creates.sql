-- Group commit (performance issue): creates that arrive together are written by one call of
-- create_payment_instruments() inside one transaction, so they share one durable COMMIT.
--
-- The function runs each record in its own subtransaction (the BEGIN ... EXCEPTION block): a
-- record that is refused (owner limit, used token, idempotency key taken, rotated data key) or
-- fails (a constraint, a deadlock) rolls back alone and reports why; its neighbours are written.
-- The checks are the ones a single create made before, in the same order and with the same
-- locks, so the invariants still hold across replicas:
--   1. the record's data key is still the application's active key. The batch's active keys are
--      share-locked once, by the transaction itself, before the loop (a rotation waits for the
--      COMMIT): locking the same row again in every record's subtransaction would make
--      PostgreSQL create a MultiXact per record, which measurably slowed the batch;
--   2. the idempotency key is recorded (a concurrent holder of the key makes this wait for its
--      transaction; an expired key is taken over);
--   3. the token is consumed: unused, unexpired at the instrument's create time, payload deleted;
--   4. the owner's identity row is locked and its enabled instruments counted against the limit;
--   5. the row and its audit events are inserted.
--
-- Input: a JSON array; each element
--   {"row": {payment_instruments columns except created_at, updated_at, secret_ciphertext},
--    "created_us": int, "updated_us": int, "ciphertext_hex": text,
--    "idempotency": {"key", "operation", "request_sha256_hex", "expires_us"}   (optional),
--    "token_id": text (optional),
--    "audit": {audit_events columns}}
-- Output: one row per element, (ordinal from 0, outcome): 'OK', a refusal reason
-- (DATA_KEY_ROTATED, IDEMPOTENCY_KEY_IN_USE, TOKEN_NOT_FOUND, TOKEN_ALREADY_USED, TOKEN_EXPIRED,
-- IDENTITY_NOT_FOUND, MAX_INSTRUMENT_COUNT), or 'SQLSTATE:<code>' for any other error.
--
-- Keep batches at or under 64 records: each written record takes a subtransaction id, and past
-- 64 per transaction PostgreSQL's snapshots overflow to pg_subtrans for every session.
CREATE FUNCTION create_payment_instruments(batch jsonb)
RETURNS TABLE (ordinal integer, outcome text)
LANGUAGE plpgsql AS $$
DECLARE
  element jsonb;
  r payment_instruments;
  owner_limit bigint;
  enabled_count bigint;
  token_used boolean;
  epoch constant timestamptz := 'epoch'::timestamptz;
BEGIN
  PERFORM 1 FROM data_keys d
    JOIN (SELECT DISTINCT e->'row'->>'application_id' AS application_id,
                          (e->'row'->>'secret_key_version')::integer AS version
          FROM jsonb_array_elements(batch) AS e) AS k
      ON d.application_id = k.application_id AND d.version = k.version
    WHERE d.state = 'active'
    ORDER BY d.application_id, d.version
    FOR SHARE OF d;

  FOR ordinal, element IN
    SELECT (e.n - 1)::integer, e.value FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(value, n)
  LOOP
    BEGIN
      r := jsonb_populate_record(NULL::payment_instruments, element->'row');
      r.created_at := epoch + (element->>'created_us')::bigint * interval '1 microsecond';
      r.updated_at := epoch + (element->>'updated_us')::bigint * interval '1 microsecond';
      r.secret_ciphertext := decode(element->>'ciphertext_hex', 'hex');

      PERFORM 1 FROM data_keys
        WHERE application_id = r.application_id AND version = r.secret_key_version
          AND state = 'active';
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PIREF', MESSAGE = 'DATA_KEY_ROTATED';
      END IF;

      IF element ? 'idempotency' THEN
        INSERT INTO idempotency_keys AS k
            (application_id, key, operation, request_sha256, resource_id, expires_at)
          VALUES (r.application_id, element->'idempotency'->>'key',
                  element->'idempotency'->>'operation',
                  decode(element->'idempotency'->>'request_sha256_hex', 'hex'), r.id,
                  epoch + (element->'idempotency'->>'expires_us')::bigint
                          * interval '1 microsecond')
          ON CONFLICT (application_id, key) DO UPDATE SET operation = EXCLUDED.operation,
            request_sha256 = EXCLUDED.request_sha256, resource_id = EXCLUDED.resource_id,
            created_at = now(), expires_at = EXCLUDED.expires_at
          WHERE k.expires_at <= now();
        IF NOT FOUND THEN
          RAISE EXCEPTION USING ERRCODE = 'PIREF', MESSAGE = 'IDEMPOTENCY_KEY_IN_USE';
        END IF;
      END IF;

      IF element ? 'token_id' THEN
        UPDATE tokens SET used_at = now(), used_by_instrument = r.id, payload_ciphertext = NULL
          WHERE application_id = r.application_id AND id = element->>'token_id'
            AND used_at IS NULL AND payload_ciphertext IS NOT NULL AND expires_at > r.created_at;
        IF NOT FOUND THEN
          SELECT used_at IS NOT NULL INTO token_used FROM tokens
            WHERE application_id = r.application_id AND id = element->>'token_id';
          IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'PIREF', MESSAGE = 'TOKEN_NOT_FOUND';
          ELSIF token_used THEN
            RAISE EXCEPTION USING ERRCODE = 'PIREF', MESSAGE = 'TOKEN_ALREADY_USED';
          ELSE
            RAISE EXCEPTION USING ERRCODE = 'PIREF', MESSAGE = 'TOKEN_EXPIRED';
          END IF;
        END IF;
      END IF;

      SELECT a.max_instruments_per_identity INTO owner_limit FROM identities i
        JOIN applications a ON a.id = i.application_id
        WHERE i.application_id = r.application_id AND i.id = r.identity_id
        FOR UPDATE OF i;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PIREF', MESSAGE = 'IDENTITY_NOT_FOUND';
      END IF;
      SELECT count(*) INTO enabled_count FROM payment_instruments
        WHERE application_id = r.application_id AND identity_id = r.identity_id AND enabled;
      IF enabled_count >= owner_limit THEN
        RAISE EXCEPTION USING ERRCODE = 'PIREF', MESSAGE = 'MAX_INSTRUMENT_COUNT';
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
        VALUES (r.application_id, r.id, r.identity_id, r.type, r.enabled,
          r.holder_name, r.tags, r.address, r.currency, r.secret_ciphertext, r.created_at,
          r.updated_at, r.card_bin, r.card_last_four, r.card_brand, r.card_exp_month,
          r.card_exp_year, r.card_type, r.card_issuer_country, r.card_issuer_name,
          r.card_security_code_check, r.card_address_check, r.card_account_updater_enabled,
          r.card_network_token_enabled, r.bank_masked_account_number, r.bank_last_four,
          r.bank_routing_number, r.bank_institution_number, r.bank_transit_number,
          r.bank_account_type, r.bank_country, r.bank_validation_check, r.wallet_third_party,
          r.wallet_merchant_identity, r.secret_key_version, r.fingerprint, r.created_via);

      INSERT INTO audit_events (application_id, credential_id, action, resource_id, outcome,
                                request_id, detail)
        SELECT a.application_id, a.credential_id, a.action, a.resource_id, a.outcome,
               a.request_id, a.detail
        FROM jsonb_populate_record(NULL::audit_events, element->'audit') AS a;
      IF element ? 'token_id' THEN
        INSERT INTO audit_events (application_id, credential_id, action, resource_id, outcome,
                                  request_id, detail)
          SELECT a.application_id, a.credential_id, 'token.use', element->>'token_id',
                 a.outcome, a.request_id, a.detail
          FROM jsonb_populate_record(NULL::audit_events, element->'audit') AS a;
      END IF;
      outcome := 'OK';
    EXCEPTION
      WHEN SQLSTATE 'PIREF' THEN
        outcome := SQLERRM;
      WHEN OTHERS THEN
        outcome := 'SQLSTATE:' || SQLSTATE;
    END;
    RETURN NEXT;
  END LOOP;
END
$$;
