#!/usr/bin/env bash
# `make run`: the data folder ./var is created on first start (printing the admin's one-time
# password), then mamori serves on http://127.0.0.1:8080 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${MAMORI_DATA:-./var}
listen=${MAMORI_LISTEN:-127.0.0.1:8080}
if [ ! -f "$data/master.key" ]; then
  echo "First start: creating $data"
  build/mamori init --data "$data"
  echo
fi
echo "Open http://$listen/ in your browser (Ctrl-C stops the server)."
exec build/mamori serve --data "$data" --listen "$listen"
