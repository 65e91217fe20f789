#!/usr/bin/env bash
# Installs what mamori needs to build, run and test, from Debian packages and npm only.
# Idempotent: installs only what is missing. Works as root or through sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(
  build-essential pkg-config clang
  libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev
  libsodium-dev liboath-dev libqrencode-dev libcurl4-openssl-dev libmagic-dev
  libxlsxwriter-dev libcmark-dev libcmocka-dev
  postgresql postgresql-client
  python3 python3-openpyxl nodejs chromium wrk nginx-light
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# nodejs from another source may ship npm inside it; only ask Debian for npm if there is none.
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Web UI packages, exactly as locked.
if [ -f web/package-lock.json ]; then
  stamp=web/node_modules/.deps-stamp
  if [ ! -f "$stamp" ] || [ web/package-lock.json -nt "$stamp" ]; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
    touch "$stamp"
  fi
fi
echo "deps: ok"
