#!/usr/bin/env bash
# Installs the packages pinned in this folder's package.json and package-lock.json (or in
# <package dir>'s: tests/browser/ uses it for playwright-core) into <dest>/node_modules (a
# directory of the build tree; they are never committed), with `npm ci`.
# Skips the download when <dest> already holds exactly this lock file's install. Bounded in time:
# without network npm gives up after its fetch timeouts and this script fails with a clear message.
# Usage: tests/sdk/install.sh <dest> [<package dir>]
set -euo pipefail
here=$(cd "${2:-$(dirname "$0")}" && pwd)
dest=${1:?usage: install.sh <dest> [<package dir>]}

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "sdk-clients: '$tool' not found; scripts/install-deps.sh installs Node.js and npm" >&2
    exit 1
  fi
done

mkdir -p "$dest"
stamp="$dest/.installed-lock"
if [[ -d "$dest/node_modules" && -f "$stamp" ]] && cmp -s "$here/package-lock.json" "$stamp"; then
  echo "sdk-clients: $dest is current ($(node --version), lock unchanged)"
  exit 0
fi

rm -f "$stamp"
cp "$here/package.json" "$here/package-lock.json" "$dest/"
echo "sdk-clients: npm ci into $dest (node $(node --version), npm $(npm --version))"
if ! timeout --kill-after=10s 300s \
    npm ci --prefix "$dest" --no-audit --no-fund --ignore-scripts --loglevel=error \
      --fetch-timeout=30000 --fetch-retries=1 --fetch-retry-maxtimeout=10000; then
  echo "sdk-clients: npm ci failed or timed out: is the npm registry reachable?" >&2
  exit 1
fi
cp "$here/package-lock.json" "$stamp"
