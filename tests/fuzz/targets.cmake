# The fuzz targets, `<name>:<library>,<library>...`: tests/fuzz/<name>_fuzzer.cc, its corpus
# tests/fuzz/corpus/<name>/ and, when present, its dictionary tests/fuzz/dict/<name>.dict.
set(PI_FUZZ_TARGETS
  finix_request:pi_gateway
  sumup_request:pi_gateway
  rebilly_request:pi_gateway
  query_and_path:pi_gateway
  domain_validation:pi_domain
  field_cipher:pi_crypto
  authorization:pi_crypto)
