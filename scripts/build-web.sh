#!/usr/bin/env bash
# Builds the web UI (web/) into web/dist/, which `mamori serve` serves at /.
# Idempotent: installs npm packages only when node_modules is missing or older than the lock
# file, and rebuilds only when a source, index.html or a config changed since the last build.
set -euo pipefail
cd "$(dirname "$0")/../web"

if ! command -v npm >/dev/null 2>&1; then
  echo "build-web: npm is missing; run scripts/deps.sh first" >&2
  exit 2
fi

deps_stamp=node_modules/.deps-stamp
if [ ! -d node_modules ] || [ ! -f "$deps_stamp" ] || [ package-lock.json -nt "$deps_stamp" ]; then
  echo "build-web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$deps_stamp"
fi

build_stamp=dist/.build-stamp
inputs=(src public index.html package.json package-lock.json vite.config.ts build-plugins.mjs tsconfig.json)
if [ -f "$build_stamp" ] && [ -f dist/index.html ]; then
  newer=$(find "${inputs[@]}" -newer "$build_stamp" -print -quit 2>/dev/null || true)
  if [ -z "$newer" ] && [ ! "$deps_stamp" -nt "$build_stamp" ]; then
    echo "build-web: web/dist is up to date"
    exit 0
  fi
fi

echo "build-web: vite build"
# Stamp the start time, so an edit made during the build triggers the next one.
tmp_stamp=$(mktemp)
node_modules/.bin/vite build --logLevel warn
mv "$tmp_stamp" "$build_stamp"
echo "build-web: built web/dist"
