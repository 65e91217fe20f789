#!/usr/bin/env bash
# bench/registers.sh — the information asset register at 100,000 records:
#   import of ROWS (default 100,000) CSV rows with `mamori import assets` (validated row by row,
#   one transaction, one audit event) against the sqlite3 CLI's `.import` of the same file into
#   a bare table (no checks at all) — printed as a ratio;
#   then p50/p95 of list and search requests on the full register (target p95 < 50 ms).
#   ROWS=100000 bench/registers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
rows=${ROWS:-100000}
[ -z "${MAMORI_DB:-}" ] || { echo "registers: SQLite only (compares with the sqlite3 CLI)" >&2; exit 2; }
bench_start 10
for p in assets.read assets.write registers.all_departments; do
  bench_sql "INSERT INTO role_permissions (role_id, permission) SELECT id, '$p' FROM roles WHERE name = 'bench_reader'"
done
bench_sql "INSERT INTO departments (name, created_at, updated_at) VALUES ('資産部', 0, 0)"

python3 - "$tmp/assets.csv" "$rows" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
types = ["電子データ", "紙文書", "ソフトウェア", "ハードウェア", "クラウドサービス"]
levels = ["機密", "社外秘", "公開"]
with open(path, "w", encoding="utf-8-sig", newline="") as f:
    f.write("資産名,種別,管理部署,管理者,保管場所,機密区分,機密性,完全性,可用性,個人情報の有無,保存期間,廃棄方法,最終見直し日\r\n")
    for i in range(n):
        f.write(f"資産{i:06d} 顧客台帳,{types[i % 5]},資産部,担当{i % 97},本社サーバ室 棚{i % 31},"
                f"{levels[i % 3]},{1 + i % 3},{1 + (i // 3) % 3},{1 + (i // 9) % 3},"
                f"{'はい' if i % 4 == 0 else 'いいえ'},5年,シュレッダー,2026-0{1 + i % 9}-15\r\n")
PY
size=$(stat -c %s "$tmp/assets.csv")

t0=$(date +%s.%N)
"$bin" import assets "$tmp/assets.csv" --data "$tmp/data" >"$tmp/import.out"
t1=$(date +%s.%N)
sqlite3 "$tmp/raw.db" ".mode csv" ".import $tmp/assets.csv raw" 
t2=$(date +%s.%N)
mine=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
raw=$(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", b - a }')
echo "registers: import of $rows rows ($((size / 1024)) KiB): mamori $mine s ($(awk -v n="$rows" -v s="$mine" 'BEGIN { printf "%.0f", n / s }') rows/s), sqlite3 .import $raw s; ratio $(awk -v m="$mine" -v r="$raw" 'BEGIN { printf "%.1f", m / r }')x"
grep -q "$rows rows imported" "$tmp/import.out" || { cat "$tmp/import.out"; exit 1; }

deep=$((rows / 2))
python3 bench/latency.py "$port" "$cookie" 200 \
  "/api/v1/assets?limit=50" \
  "/api/v1/assets?limit=50&cursor=$deep" \
  "/api/v1/assets?q=%E8%B3%87%E7%94%A3099999&limit=50" \
  "/api/v1/assets?q=%E6%A3%9A30&limit=50" \
  "/api/v1/assets?q=nothing-matches&limit=50" \
  "/api/v1/assets?classification_id=2&asset_type=paper&limit=50" \
  "/api/v1/assets?review=overdue&limit=50" | while read -r p50 p95 path; do
  echo "registers: p50 ${p50} ms, p95 ${p95} ms  GET $path"
done
