-- Key hierarchy (crypto issue): each application's data keys (DEKs), wrapped under versioned
-- key-encryption keys (KEKs) from the key file; which KEK wraps new DEKs and the oldest KEK still
-- allowed to decrypt; and keyed fingerprints on instruments.

-- One row: the KEK version that wraps new or rewrapped DEKs, and the minimum KEK version.
CREATE TABLE key_state (
  singleton           boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  active_kek_version  integer NOT NULL CHECK (active_kek_version > 0),
  min_kek_version     integer NOT NULL DEFAULT 1 CHECK (min_kek_version > 0)
);
INSERT INTO key_state (active_kek_version) VALUES (1);

-- state: 'active' encrypts new data (one per application); 'decrypt_only' after a rotation,
-- until re-encryption has moved every row off it; then 'retired', which nothing may use.
CREATE TABLE data_keys (
  application_id  text NOT NULL REFERENCES applications (id),
  version         integer NOT NULL CHECK (version > 0),
  wrapped_key     bytea NOT NULL,
  kek_version     integer NOT NULL,
  state           text NOT NULL CHECK (state IN ('active', 'decrypt_only', 'retired')),
  encryptions     bigint NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, version)
);
CREATE UNIQUE INDEX data_keys_one_active ON data_keys (application_id) WHERE state = 'active';

-- Rows written before this migration used the flat key ring and cannot be read by the DEK
-- path; pre-release development data only.
ALTER TABLE payment_instruments
  ADD COLUMN secret_key_version  integer,
  ADD COLUMN fingerprint         text;
CREATE INDEX payment_instruments_fingerprint
  ON payment_instruments (application_id, fingerprint);
CREATE INDEX payment_instruments_key_version
  ON payment_instruments (application_id, secret_key_version);
