#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole system on the embedded default: a private,
# durable PostgreSQL cluster under .data/, pi-server, pi-gateway, and the hosted-fields demo
# merchant (scripts/demo-merchant/server.mjs, Node). Ctrl-C (or SIGTERM) stops them all. State
# (database, key file, demo credentials) survives restarts in .data/.
#
# Ports: gRPC 50051, HTTP 8080, the demo shop 8081 and metrics 9090 (pi-server) / 9091
# (pi-gateway) unless taken; then free ports are picked and printed.
# PI_RUN_GRPC_PORT / PI_RUN_HTTP_PORT / PI_RUN_DEMO_PORT choose others.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/.data
bin=${BUILD_DIR:-$root/build}

"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" pi-server pi-gateway

port_free() {
  /usr/bin/python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
pick_port() {
  if port_free "$1"; then echo "$1"; else
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
  fi
}

mkdir -p "$data"
# 711: the postgres user must traverse into .data/pg; nothing here is listable by others.
chmod 711 "$data"
server_pid=""; gateway_pid=""; demo_pid=""
cleanup() {
  # A second Ctrl-C (or a signal from a wrapper such as timeout) must not cut the cleanup short
  # and leave PostgreSQL running.
  trap - EXIT
  trap '' INT TERM
  echo; echo "stopping..."
  [[ -n $demo_pid ]] && kill -TERM "$demo_pid" 2>/dev/null || true
  [[ -n $gateway_pid ]] && kill -TERM "$gateway_pid" 2>/dev/null || true
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  "$root/scripts/pg-cluster.sh" stop "$data/pg"
  echo "stopped."
}
trap cleanup EXIT INT TERM

url=$("$root/scripts/pg-cluster.sh" start "$data/pg")
server="$bin/services/instruments/pi-server"
[[ -f $data/keys.txt ]] || "$server" keygen --out="$data/keys.txt"
"$server" migrate --database_url="$url" >/dev/null
if [[ ! -s $data/demo-application.json ]]; then
  (umask 077; "$server" create-application --database_url="$url" --name=demo \
     >"$data/demo-application.json")
fi
read -r application credential secret < <(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["application_id"], d["credential_id"], d["secret"])' "$data/demo-application.json")
# One credential of every other scheme, for trying each vendor's authentication.
if [[ ! -s $data/demo-credentials.json ]]; then
  (umask 077
   for spec in "--kind=api_key" "--kind=publishable" "--kind=jwt_hs256" "--kind=basic --role=processor"; do
     # shellcheck disable=SC2086  # spec holds two flags on purpose
     "$server" create-credential --database_url="$url" --application="$application" \
       --key_file="$data/keys.txt" $spec
   done >"$data/demo-credentials.json.tmp" && mv "$data/demo-credentials.json.tmp" "$data/demo-credentials.json")
fi

grpc_port=$(pick_port "${PI_RUN_GRPC_PORT:-50051}")
http_port=$(pick_port "${PI_RUN_HTTP_PORT:-8080}")
server_metrics_port=$(pick_port 9090)
gateway_metrics_port=$(pick_port 9091)
rm -f "$data/grpc.port" "$data/http.port"
PI_DATABASE_URL="$url" PI_KEY_FILE="$data/keys.txt" PI_GRPC_ADDRESS="127.0.0.1:$grpc_port" \
  PI_PORT_FILE="$data/grpc.port" PI_METRICS_ADDRESS="127.0.0.1:$server_metrics_port" \
  "$server" 2> >(tee -a "$data/pi-server.log" >&2) &
server_pid=$!
for _ in $(seq 100); do [[ -s $data/grpc.port ]] && break; sleep 0.1; done
[[ -s $data/grpc.port ]] || { echo "pi-server did not start; see $data/pi-server.log" >&2; exit 1; }
PI_GRPC_TARGET="127.0.0.1:$grpc_port" PI_HTTP_ADDRESS="127.0.0.1:$http_port" \
  PI_PUBLIC_BASE_URL="http://localhost:$http_port" PI_PORT_FILE="$data/http.port" \
  PI_METRICS_ADDRESS="127.0.0.1:$gateway_metrics_port" \
  "$bin/gateway/pi-gateway" 2> >(tee -a "$data/pi-gateway.log" >&2) &
gateway_pid=$!
for _ in $(seq 100); do [[ -s $data/http.port ]] && break; sleep 0.1; done
[[ -s $data/http.port ]] || { echo "pi-gateway did not start; see $data/pi-gateway.log" >&2; exit 1; }
# A demo identity to own instruments (Finix POST /identities), made once.
if [[ ! -s $data/demo-identity.json ]]; then
  /usr/bin/python3 - "$http_port" "$credential:$secret" >"$data/demo-identity.json" <<'PY'
import base64, json, sys, urllib.request
port, userpass = sys.argv[1], sys.argv[2]
body = json.dumps({"entity": {"first_name": "Amy", "last_name": "White"}}).encode()
req = urllib.request.Request(f"http://127.0.0.1:{port}/identities", data=body, method="POST",
    headers={"Content-Type": "application/json",
             "Authorization": "Basic " + base64.b64encode(userpass.encode()).decode()})
print(json.dumps(json.load(urllib.request.urlopen(req))))
PY
fi
identity=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$data/demo-identity.json")

# The hosted-fields demo: a merchant page on its own origin mounts the fields (an iframe from the
# gateway) with the publishable key; its server side associates the token with the Basic pair.
# Both of its origins are the application's allowed origins (set again each run: ports may move).
demo_port=$(pick_port "${PI_RUN_DEMO_PORT:-8081}")
publishable=$(/usr/bin/python3 -c 'import json,sys; print(next(json.loads(l)["key"] for l in open(sys.argv[1]) if json.loads(l)["kind"] == "publishable"))' "$data/demo-credentials.json")
"$server" set-allowed-origins --database_url="$url" --application="$application" \
  --allowed_origins="http://127.0.0.1:$demo_port,http://localhost:$demo_port" >/dev/null
PI_DEMO_GATEWAY_URL="http://127.0.0.1:$http_port" PI_DEMO_PUBLISHABLE_KEY="$publishable" \
  PI_DEMO_MERCHANT_AUTH="Basic $(printf '%s:%s' "$credential" "$secret" | base64 -w0)" \
  PI_DEMO_IDENTITY="$identity" PI_DEMO_PORT="$demo_port" \
  node "$root/scripts/demo-merchant/server.mjs" > >(tee -a "$data/demo-merchant.log") 2>&1 &
demo_pid=$!

cat <<MSG

PaymentInstrumentService is up (Ctrl-C stops it).
  REST (Finix dialect)  http://localhost:$http_port
  gRPC (reflection)     localhost:$grpc_port
  metrics (Prometheus)  http://localhost:$server_metrics_port/metrics (pi-server)
                        http://localhost:$gateway_metrics_port/metrics (pi-gateway)
  PostgreSQL            psql "$url"
  demo credentials      $credential:$secret   (also in .data/demo-application.json)
  other schemes         .data/demo-credentials.json (API key, publishable key, JWT signing
                        key, processor); shown once, keep them private
  demo identity         $identity
  hosted-fields demo    http://127.0.0.1:$demo_port   (a shop page: type 4111 1111 1111 1111)

Try:
  curl -u $credential:$secret http://localhost:$http_port/payment_instruments \\
    -H 'Content-Type: application/json' \\
    -d '{"type":"PAYMENT_CARD","identity":"$identity","number":"4111111111111111","expiration_month":12,"expiration_year":2030,"security_code":"123","name":"Amy White"}'
  grpcurl -plaintext localhost:$grpc_port grpc.health.v1.Health/Check

MSG
wait -n "$server_pid" "$gateway_pid" "$demo_pid"
