-- Card intelligence (BIN data, verification results, card flags), bank accounts and wallets.
-- The one encrypted column now holds whichever secret the instrument has: the PAN, the bank
-- account number or the wallet/third-party token (AAD names which; see field_cipher.h).

ALTER TABLE payment_instruments RENAME COLUMN number_ciphertext TO secret_ciphertext;

ALTER TABLE payment_instruments
  ADD COLUMN card_type                     text,
  ADD COLUMN card_issuer_country           text,
  ADD COLUMN card_issuer_name              text,
  ADD COLUMN card_security_code_check      text,
  ADD COLUMN card_address_check            text,
  ADD COLUMN card_account_updater_enabled  boolean,
  ADD COLUMN card_network_token_enabled    boolean,
  -- Bank identifiers are public (they name the bank, not the account); the account number is
  -- only in secret_ciphertext and, masked, here.
  ADD COLUMN bank_masked_account_number    text,
  ADD COLUMN bank_last_four                text,
  ADD COLUMN bank_routing_number           text,
  ADD COLUMN bank_institution_number       text,
  ADD COLUMN bank_transit_number           text,
  ADD COLUMN bank_account_type             text,
  ADD COLUMN bank_country                  text,
  ADD COLUMN bank_validation_check         text,
  ADD COLUMN wallet_third_party            text,
  ADD COLUMN wallet_merchant_identity      text;
