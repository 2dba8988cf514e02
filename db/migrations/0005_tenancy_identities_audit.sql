-- Tenancy (tenancy issue): every vendor's credential scheme, identities that own instruments,
-- the per-owner instrument limit, and an append-only audit trail.

-- How many enabled instruments one identity may hold; checked inside the create transaction.
ALTER TABLE applications
  ADD COLUMN max_instruments_per_identity integer NOT NULL DEFAULT 10
    CHECK (max_instruments_per_identity > 0);

-- basic: HTTP Basic id:secret (Finix, Ahrvo). api_key: bearer secret key (SumUp).
-- publishable: bearer publishable key (Rebilly FramePay, hosted fields).
-- jwt_hs256: the signing key of customer JWTs (Rebilly CustomerJWT). Its HMAC key is derived
-- from the server's root key and the credential id, never stored, so secret_sha256 is NULL.
ALTER TABLE credentials DROP CONSTRAINT credentials_kind_check;
ALTER TABLE credentials ADD CONSTRAINT credentials_kind_check
  CHECK (kind IN ('basic', 'api_key', 'publishable', 'jwt_hs256'));
ALTER TABLE credentials DROP CONSTRAINT credentials_role_check;
ALTER TABLE credentials ADD CONSTRAINT credentials_role_check
  CHECK (role IN ('merchant', 'publishable', 'processor', 'admin', 'customer'));
ALTER TABLE credentials ALTER COLUMN secret_sha256 DROP NOT NULL;
ALTER TABLE credentials ADD CONSTRAINT credentials_secret_by_kind
  CHECK ((kind = 'jwt_hs256') = (secret_sha256 IS NULL));

-- The owners of instruments. external_id is the merchant's own customer id (SumUp customer_id).
CREATE TABLE identities (
  application_id  text NOT NULL REFERENCES applications (id),
  id              text NOT NULL,
  external_id     text,
  first_name      text NOT NULL DEFAULT '',
  last_name       text NOT NULL DEFAULT '',
  email           text NOT NULL DEFAULT '',
  phone           text NOT NULL DEFAULT '',
  address         jsonb,
  tags            jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (application_id, id)
);
CREATE UNIQUE INDEX identities_external_id
  ON identities (application_id, external_id) WHERE external_id IS NOT NULL;

-- Counting an owner's enabled instruments under the limit uses this index.
CREATE INDEX payment_instruments_owner_enabled
  ON payment_instruments (application_id, identity_id) WHERE enabled;

-- Who did what, to which resource, with what outcome. Never card data, account numbers or
-- secrets: ids, names and reason codes only. Rows are only ever inserted: the trigger below
-- refuses UPDATE, DELETE and TRUNCATE whoever asks.
CREATE TABLE audit_events (
  id              bigserial PRIMARY KEY,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  application_id  text,          -- NULL when the caller could not be identified
  credential_id   text,
  action          text NOT NULL,
  resource_id     text NOT NULL DEFAULT '',
  outcome         text NOT NULL,  -- 'OK' or an ErrorReason name
  request_id      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_application ON audit_events (application_id, occurred_at);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
