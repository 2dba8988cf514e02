-- The first schema: tenants, their credentials, and payment instruments.
-- Every table that holds tenant data leads with application_id, the future distribution column
-- (Citus) and the first column of every tenant-scoped key and index.

CREATE TABLE applications (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A credential's secret is stored only as SHA-256 (secrets are 128-bit random strings).
CREATE TABLE credentials (
  id              text PRIMARY KEY,  -- public part: the Basic username
  application_id  text NOT NULL REFERENCES applications (id),
  kind            text NOT NULL CHECK (kind IN ('basic')),
  role            text NOT NULL CHECK (role IN ('merchant', 'publishable', 'processor', 'admin')),
  secret_sha256   bytea NOT NULL CHECK (length(secret_sha256) = 32),
  created_at      timestamptz NOT NULL DEFAULT now(),
  revoked_at      timestamptz
);
CREATE INDEX credentials_application ON credentials (application_id);

-- Masked and derived values in clear; the number only as AES-256-GCM ciphertext (see
-- services/instruments/crypto/field_cipher.h). No security code column, by design.
CREATE TABLE payment_instruments (
  application_id       text NOT NULL REFERENCES applications (id),
  id                   text NOT NULL,
  identity_id          text NOT NULL,
  type                 text NOT NULL CHECK (type IN ('PAYMENT_CARD', 'BANK_ACCOUNT', 'APPLE_PAY',
                                                     'GOOGLE_PAY', 'TOKEN')),
  enabled              boolean NOT NULL DEFAULT true,
  holder_name          text NOT NULL DEFAULT '',
  tags                 jsonb NOT NULL DEFAULT '{}',
  address              jsonb,
  currency             text NOT NULL,
  card_bin             text,
  card_last_four       text,
  card_brand           text,
  card_exp_month       smallint,
  card_exp_year        smallint,
  number_ciphertext    bytea NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  PRIMARY KEY (application_id, id)
);
CREATE INDEX payment_instruments_owner
  ON payment_instruments (application_id, identity_id, created_at, id);
