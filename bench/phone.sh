#!/usr/bin/env bash
# bench/phone.sh — the web UI on a phone over "Fast 3G" (bench/phone.mjs): the time until the
# incident report form is usable after sign-in (target < 2 s) and the bytes of the journey
# (target < 150 kB). Needs build/mamori (or $MAMORI_BIN) and the built web UI.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build-web.sh >/dev/null
out=$(node bench/phone.mjs)
printf '%s\n' "$out" | grep -v '^phone-summary'
read -r ms bytes < <(printf '%s\n' "$out" | awk '/^phone-summary/ {print $2, $3}')
echo "bench-summary|incident report form usable, phone on Fast 3G|-|$(awk -v m="$ms" 'BEGIN { printf "%.2f s", m / 1000 }')|< 2 s|$( [ "$ms" -lt 2000 ] && echo yes || echo no)"
echo "bench-summary|bytes, empty cache to the form|-|$(awk -v b="$bytes" 'BEGIN { printf "%.0f kB", b / 1000 }')|< 150 kB|$( [ "$bytes" -lt 150000 ] && echo yes || echo no)"
