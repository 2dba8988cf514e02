#!/usr/bin/env bash
# Installs every Debian 12 package the project needs to build, run, test and benchmark.
# Idempotent and quick when everything is already there: apt is only called for what is missing.
set -euo pipefail

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config git ca-certificates curl procps openssl
  # libFuzzer (clang-14's compiler-rt) for tests/fuzz, with ASan and UBSan
  clang-14 libclang-rt-14-dev
  # libraries (see DESIGN.md, "Dependencies")
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libpqxx-dev libpq-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost-dev nlohmann-json3-dev libcpp-jwt-dev
  # well-known googleapis and grpc .proto files
  golang-github-gogo-googleapis-dev grpc-proto
  # PostgreSQL 15 server for the embedded default and the tests
  postgresql-15 postgresql-client-15
  # Python gRPC client used by the end-to-end tests (Debian's /usr/bin/python3); YAML for the
  # deploy tests. kubectl, which those render the manifests with, is not in Debian 12: they skip
  # without it, and it is not installed here.
  python3 python3-grpcio python3-protobuf python3-yaml
  # the headless browser of the hosted-fields test (driven by playwright-core; no download)
  chromium
  # HTTP load generator of bench/run (its pgbench comes with postgresql-15)
  wrk
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# Node.js and npm run the vendors' SDKs in tests/sdk/. Checked as commands, not packages: a
# Node.js from elsewhere (one that bundles npm, which Debian's npm package conflicts with) will do.
if ! command -v node >/dev/null; then missing+=(nodejs); fi
if ! command -v npm >/dev/null; then missing+=(npm); fi

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present, and node and npm"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
