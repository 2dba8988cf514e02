-- Lifecycle (lifecycle issue): short-lived single-use tokens from hosted fields and FramePay, and
-- idempotency keys.

-- A token's payload (card with its security code, or bank account) is AES-256-GCM ciphertext under
-- the application's data key, bound to the token id. It is set to NULL the moment the token is
-- used, and by the sweeper once it expires, so no security code outlives its token. The masked
-- columns answer CreateToken and let a payment page show what was entered.
CREATE TABLE tokens (
  application_id              text NOT NULL REFERENCES applications (id),
  id                          text NOT NULL,
  type                        text NOT NULL CHECK (type IN ('PAYMENT_CARD', 'BANK_ACCOUNT')),
  payload_ciphertext          bytea,
  payload_key_version         integer NOT NULL,
  card_bin                    text,
  card_last_four              text,
  card_brand                  text,
  card_exp_month              smallint,
  card_exp_year               smallint,
  bank_masked_account_number  text,
  bank_country                text,
  fingerprint                 text NOT NULL,
  created_at                  timestamptz NOT NULL,
  expires_at                  timestamptz NOT NULL,
  used_at                     timestamptz,
  used_by_instrument          text,
  PRIMARY KEY (application_id, id),
  CHECK (used_at IS NULL OR payload_ciphertext IS NULL)
);
CREATE INDEX tokens_live_payloads ON tokens (expires_at) WHERE payload_ciphertext IS NOT NULL;

-- One row per idempotency key of an application, written in the same transaction as the
-- resource it created: a retry finds the resource, a different request under the same key is
-- refused. Kept at least 24 hours (expires_at), then swept.
CREATE TABLE idempotency_keys (
  application_id  text NOT NULL REFERENCES applications (id),
  key             text NOT NULL,
  operation       text NOT NULL,
  request_sha256  bytea NOT NULL CHECK (length(request_sha256) = 32),
  resource_id     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (application_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

ALTER TABLE payment_instruments
  ADD COLUMN created_via text NOT NULL DEFAULT 'API' CHECK (created_via IN ('API', 'TOKENIZATION'));

-- A reveal's stated reason (digits limited so no card or account number fits in it).
ALTER TABLE audit_events ADD COLUMN detail text NOT NULL DEFAULT '';
