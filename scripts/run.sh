#!/usr/bin/env bash
# `make run`: the data folder is created on first start (printing the admin's one-time
# password), then mamori serves until Ctrl-C. It prints the address once it is listening.
#   MAMORI_LISTEN  address and port to serve on (default 127.0.0.1:8080)
#   MAMORI_DATA    the data folder (default ./var)
# e.g. MAMORI_LISTEN=127.0.0.1:8081 make run   when port 8080 is taken.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${MAMORI_DATA:-./var}
listen=${MAMORI_LISTEN:-127.0.0.1:8080}
if [ ! -f "$data/master.key" ]; then
  echo "First start: creating $data"
  build/mamori init --data "$data"
  echo
fi
exec build/mamori serve --data "$data" --listen "$listen"
