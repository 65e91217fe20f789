#!/usr/bin/env bash
# Installs what mamori needs, from Debian packages and npm only. Idempotent: installs only what
# is missing. Works as root or through sudo.
#
#   scripts/deps.sh run     what building and running needs (make run)
#   scripts/deps.sh check   that, and what the tests and benchmarks need: a PostgreSQL server,
#                           chromium, clang (fuzzing), the formatter and linter, python3-openpyxl,
#                           wrk and nginx (make check, make bench, .ci/run). The default.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-check}

run_pkgs=(
  build-essential pkg-config
  libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev
  libsodium-dev liboath-dev libqrencode-dev libcurl4-openssl-dev libmagic-dev
  libxlsxwriter-dev libcmark-dev
  nodejs
)
check_pkgs=(
  clang clang-format cppcheck libcmocka-dev
  postgresql postgresql-client
  python3 python3-openpyxl python3-aiosmtpd chromium fonts-ipaexfont wrk nginx-light
)
case "$what" in
run) pkgs=("${run_pkgs[@]}") ;;
check) pkgs=("${run_pkgs[@]}" "${check_pkgs[@]}") ;;
*) echo "usage: $0 [run|check]" >&2; exit 2 ;;
esac

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
echo "deps: ok ($what)"
