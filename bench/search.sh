# bench/search.sh: the search benchmark, sourced by bench/run.
#
# search_bench LABEL DIR [DATABASE] serves the magazine with the page cache
# off (--cache-mb 0, so that every query is really run) and no search rate
# limit, draws at least 500 distinct queries from the corpus (rare names,
# mid-frequency topic words, common words, two-word queries, phrases), and
# runs wrk with a Lua script cycling through them, as an anonymous reader
# and as a subscriber; nginx serves a saved results page of the same size
# for the ratio. Targets: p50 under 5 ms, p99 under 50 ms, at least 0.05×
# nginx's requests per second. The index size goes in the results too.
#
# Throughput and latency are separate runs: requests per second at
# BENCH_CONNECTIONS (32) against nginx at the same, and p50/p99 with one
# connection (wrk -t1 -c1). On 2 cores, 32 connections queue: a p50 of
# 5 ms there would need 6,400 req/s, so the latency of one query is only
# seen when queries do not wait for each other.

# search_queries FILE: write the queries, one URL-encoded path a line.
search_queries() {
	local out=$1 tmp=$OUT/search-words
	mkdir -p "$tmp"
	: >"$tmp/text"
	# The full text of public articles, through the API, a paragraph a line.
	local slugs
	slugs=$(curl -sf "$MH_URL/api/v1/articles?visibility=public&limit=100" | grep -o '"url":"[^"]*/articles/[^"]*"' |
		sed 's/.*\/articles\/\([^"]*\)"/\1/' | sort -u || true)
	for s in $slugs; do
		{ curl -sf "$MH_URL/api/v1/articles/$s" || true; } | { grep -o '"pages":\[.*\]' || true; } |
			sed 's/<[^>]*>/ /g; s/\\n/ /g' >>"$tmp/text"
		echo >>"$tmp/text"
	done
	# Document frequency of each word in the sample.
	awk '{ delete seen; for (i = 1; i <= NF; i++) { w = $i; gsub(/[^A-Za-z]/, "", w); if (length(w) > 3 && !(w in seen)) { seen[w] = 1; df[w]++ } } }
		END { for (w in df) print df[w], w }' "$tmp/text" | sort -k1,1nr -k2 >"$tmp/df"
	local n
	n=$(wc -l <"$tmp/text")
	{
		# Rare: capitalized words (names, places) in one sampled article.
		awk '$1 == 1 && $2 ~ /^[A-Z]/ { print $2 }' "$tmp/df" | awk 'NR <= 150'
		# Mid: in a tenth to a third of the sample.
		awk -v n="$n" '$1 >= n / 10 && $1 <= n / 3 { print tolower($2) }' "$tmp/df" | awk 'NR <= 150'
		# Common: in more than half.
		awk -v n="$n" '$1 > n / 2 { print tolower($2) }' "$tmp/df" | awk 'NR <= 60'
		# Two words, and exact phrases, from the text.
		tr -s ' ' '\n' <"$tmp/text" | tr -cd 'A-Za-z\n' | awk 'length($0) > 3' >"$tmp/seq"
		awk 'NR % 37 == 0 && prev != "" { print tolower(prev) " " tolower($0) } { prev = $0 }' "$tmp/seq" | awk 'NR <= 120'
		awk 'NR % 53 == 0 && p2 != "" { printf "\"%s %s %s\"\n", tolower(p2), tolower(p1), tolower($0) } { p2 = p1; p1 = $0 }' "$tmp/seq" | awk 'NR <= 120'
	} | awk 'NF && !seen[$0]++' | sed 's/%/%25/g; s/ /%20/g; s/"/%22/g; s/^/\/search?q=/' >"$out"
}

# search_lua QUERIES SCRIPT: a wrk script cycling through the queries,
# each thread from its own place in the list.
search_lua() {
	{
		echo 'local paths = {'
		sed 's/.*/  "&",/' "$1"
		echo '}'
		cat <<'LUA'
local i = 0
function setup(thread) thread:set("offset", math.random(#paths)) end
function request()
  i = i + 1
  return wrk.format("GET", paths[((i + (offset or 0)) % #paths) + 1])
end
LUA
	} >"$2"
}

# search_index_size DIR [DATABASE]: the index's size in MiB.
search_index_size() {
	local dir=$1 db=${2:-}
	if [ -n "$db" ]; then
		"$PGBIN/psql" -At "$db" -c "SELECT round(pg_total_relation_size('search_docs') / 1048576.0)" 2>/dev/null || echo "?"
	elif command -v sqlite3 >/dev/null; then
		sqlite3 -readonly "$dir/masthead.db" "SELECT round(SUM(pgsize) / 1048576.0) FROM dbstat WHERE name LIKE 'search_docs%'" 2>/dev/null || echo "?"
	else
		echo "?"
	fi
}

search_bench() {
	local label=$1 dir=$2 db=${3:-} port
	port=$(free_port 18280)
	local args=(serve --data "$dir" --addr "127.0.0.1:$port" --log-level warn --cache-mb 0 --search-rate 100000000)
	[ -n "$db" ] && args+=(--database "$db")
	"$OUT/masthead" "${args[@]}" >"$OUT/masthead-search.log" 2>&1 &
	MH_PID=$!
	ci_defer "kill $MH_PID 2>/dev/null || true"
	MH_URL="http://127.0.0.1:$port"
	MH_DATA_ARGS=(--data "$dir")
	[ -n "$db" ] && MH_DATA_ARGS+=(--database "$db")
	wait_http "$MH_URL/healthz"
	ci_step "$label: search"
	local queries=$OUT/search-queries.txt script=$OUT/search.lua
	search_queries "$queries"
	local count
	count=$(wc -l <"$queries")
	[ "$count" -ge 500 ] || ci_log "only $count distinct queries could be drawn from the corpus"
	search_lua "$queries" "$script"
	local cookie sample
	cookie=$(subscriber_cookie)
	[ -n "$cookie" ] || ci_die "could not sign in the benchmark's subscriber"
	# nginx's page: a results page of a mid-frequency query, as saved.
	sample=$(sed -n 200p "$queries")
	curl -sf -o "$NGINX_DIR/www/search.html" "$MH_URL${sample:-/search?q=budget}" || ci_die "GET /search failed"
	local size
	size=$(search_index_size "$dir" "$db")
	{
		printf '\n### %s: search\n\n' "$label"
		# Alone (BENCH_ONLY=search), the magazine's note is said here.
		[ "${ONLY:-all}" = all ] || printf '%s\n\n' "$GEN_NOTE"
		printf '%s distinct queries cycled by a wrk Lua script, page cache off (`--cache-mb 0`), rate limit off; index size **%s MiB**. Targets: p50 under 5 ms, p99 under 50 ms, at least 0.05× nginx serving a saved results page of %s bytes.\n\n' \
			"$count" "$size" "$(stat -c %s "$NGINX_DIR/www/search.html")"
		printf 'Requests per second with wrk -t%s -c%s; p50 and p99 with one connection (wrk -t1 -c1), each query waiting for none other; the p99 at %s connections is shown for what queueing adds.\n\n' "$THREADS" "$CONNS" "$CONNS"
		printf '| who | Masthead req/s | nginx req/s | ratio | p50 ms (1 conn.) | p99 ms (1 conn.) | p99 ms (%s conn.) | errors | met |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n' "$CONNS"
	} >>"$RESULTS"
	local who c m n l ms ns ls round ratio met
	for who in anonymous subscriber; do
		c=""
		[ "$who" = subscriber ] && c=$cookie
		ms=() ns=() ls=()
		for ((round = 0; round < ROUNDS; round++)); do
			ms+=("$(search_wrk "$MH_URL/" "$script" "$c")")
			ns+=("$(wrk_run "$NGINX_URL/search.html")")
			ls+=("$(THREADS=1 CONNS=1 search_wrk "$MH_URL/" "$script" "$c")")
		done
		m=($(median "${ms[@]}"))
		n=($(median "${ns[@]}"))
		l=($(median "${ls[@]}"))
		ratio=$(awk -v a="${m[0]}" -v b="${n[0]}" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')
		met=$(awk -v r="$ratio" -v p50="${l[1]}" -v p99="${l[2]}" -v e="$((m[3] + l[3]))" 'BEGIN { print (r >= 0.05 && p50 < 5 && p99 < 50 && e == 0) ? "yes" : "**no**" }')
		printf '| %s | %s | %s | %s× | %s | %s | %s | %s | %s |\n' "$who" "${m[0]}" "${n[0]}" "$ratio" "${l[1]}" "${l[2]}" "${m[2]}" "$((m[3] + l[3]))" "$met" >>"$RESULTS"
		ci_log "$label | search ($who): ${m[0]} req/s (nginx ${n[0]}); one connection: p50 ${l[1]} ms, p99 ${l[2]} ms"
	done
	stop_masthead
}

# search_wrk URL SCRIPT [COOKIE]: wrk_run with the query script.
search_wrk() { BENCH_WRK_SCRIPT=$2 wrk_run "$1" "${3:-}"; }
