#!/usr/bin/env bash
# bench/ads.sh: the anonymous article page with its ad slots filled
# (issue 13), Masthead against nginx serving the same bytes: loopback,
# wrk -t2 -c32 -d2s, one warm-up round each, then 3 rounds alternating.
# It generates a 15,000-article magazine in bench/out/ads (REUSE=1 keeps
# the one there), puts a house ad in every slot and an ad tag inside
# articles straight into its database (sqlite3), and needs wrk, nginx and
# sqlite3. Everything it starts is stopped when it exits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
B=$PWD/bench/out/ads
mkdir -p "$B"
go build -o $B/masthead ./cmd/masthead
if [ -z "${REUSE:-}" ]; then
rm -rf $B/data; mkdir -p $B/data
$B/masthead demo --data $B/data --articles 15000 --log-level warn | tail -1
fi
DB=$B/data/masthead.db
[ -f "$DB" ] || DB=$(ls $B/data/*.db | head -1)
if [ -z "${REUSE:-}" ]; then
KEY=$(sqlite3 "$DB" "SELECT key FROM media WHERE variant_of = '' AND width > 0 ORDER BY id LIMIT 1")
NOW=$(date +%s)
sqlite3 "$DB" "INSERT INTO ads (name, kind, image_key, alt, link_url, tag_html, starts_on, ends_on, weight, slots, created_at, updated_at) VALUES
 ('House', 'house', '$KEY', 'A year of the magazine', 'https://shop.example/', '', '2020-01-01', '2099-12-31', 1, 'article-end article-inline home list', $NOW, $NOW),
 ('Network', 'tag', '', '', '', '<div id=\"n\"></div><script src=\"https://ads.example/t.js\"></script>', '2020-01-01', '2099-12-31', 1, 'article-inline', $NOW, $NOW);"
fi
PORT=18391; NPORT=18392
$B/masthead serve --data $B/data --addr 127.0.0.1:$PORT --log-level warn > $B/masthead.log 2>&1 &
MH=$!
trap 'kill $MH 2>/dev/null || true; [ -f $B/nginx.pid ] && kill $(cat $B/nginx.pid) 2>/dev/null || true' EXIT
for i in $(seq 100); do curl -sf -o /dev/null http://127.0.0.1:$PORT/healthz && break; sleep 0.1; done
SLUG=$(sqlite3 "$DB" "SELECT slug FROM articles WHERE status = 'published' AND visibility = 'public' ORDER BY published_at DESC LIMIT 1 OFFSET 5")
URL=/articles/$SLUG
mkdir -p $B/www/articles
curl -sf http://127.0.0.1:$PORT$URL > $B/www/articles/$SLUG
echo "page $URL: $(wc -c < $B/www/articles/$SLUG) bytes, slots: $(grep -o 'data-ad-slot="[a-z-]*"' $B/www/articles/$SLUG | tr '\n' ' ')"
cat > $B/nginx.conf <<NG
worker_processes 2;
pid $B/nginx.pid;
error_log $B/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server { listen 127.0.0.1:$NPORT; root $B/www; location / { try_files \$uri =404; } }
}
NG
nginx -c $B/nginx.conf
sleep 0.5
curl -sf -o /dev/null http://127.0.0.1:$NPORT$URL
run() { wrk -t2 -c32 -d2s --latency "$1" | awk '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx|Socket errors/ {e=e $0} END {print r, p50, p99, (e==""?"0 errors":e)}'; }
run http://127.0.0.1:$PORT$URL >/dev/null; run http://127.0.0.1:$NPORT$URL >/dev/null
for i in 1 2 3; do
  m=$(run http://127.0.0.1:$PORT$URL); n=$(run http://127.0.0.1:$NPORT$URL)
  echo "round $i masthead: $m | nginx: $n"
done
