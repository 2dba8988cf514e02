-- Disabling an instrument (UpdatePaymentInstrument with enabled = false) records why; a disabled
-- instrument stays readable. Both are cleared when it is enabled again.
ALTER TABLE payment_instruments
  ADD COLUMN disabled_code     text,
  ADD COLUMN disabled_message  text;
