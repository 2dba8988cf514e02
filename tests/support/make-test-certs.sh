#!/usr/bin/env bash
# Makes throwaway TLS material for tests in DIR: a CA (ca.pem), a server certificate for
# 127.0.0.1 / localhost (server.pem, server.key), a client certificate from the same CA
# (client.pem, client.key), and a client certificate from an unrelated CA (stranger.pem,
# stranger.key). Keys are EC P-256; everything expires in two days.
set -euo pipefail
dir=${1:?usage: make-test-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
ossl() { openssl "$@" 2>/dev/null; }
ca() {  # ca NAME SUBJECT
  ossl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$1.key" \
    -out "$1.pem" -days 2 -subj "$2"
}
leaf() {  # leaf NAME SUBJECT CA EXTENSIONS
  ossl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -keyout "$1.key" \
    -out "$1.csr" -subj "$2"
  printf '%s\n' "$4" >"$1.ext"
  ossl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 2 \
    -extfile "$1.ext" -out "$1.pem"
  rm -f "$1.csr" "$1.ext"
}
ca ca "/CN=pi test CA"
ca stranger-ca "/CN=stranger CA"
leaf server "/CN=localhost" ca "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth"
leaf client "/CN=pi-gateway" ca "extendedKeyUsage=clientAuth"
leaf stranger "/CN=stranger" stranger-ca "extendedKeyUsage=clientAuth"
chmod 600 ./*.key
