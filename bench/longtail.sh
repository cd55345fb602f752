# bench/longtail.sh, sourced by bench/run: the long tail (issue 14).
#
# measure_longtail LABEL DIR [DATABASE] takes BENCH_LONGTAIL (default
# 20,000) distinct published articles of the magazine served at MH_URL,
# public ones for an anonymous reader and gated ones for a signed-in
# subscriber, in a fixed pseudo-random order (the same on every run and
# both databases), saves each page as that reader gets it for nginx, and
# runs wrk with a Lua script that picks one of them at random for every
# request, against Masthead and against nginx serving the saved files,
# without and with Accept-Encoding: gzip. Readers arriving from search
# engines and links spread over an archive like this: most requests miss
# the page cache. nginx serves a .gz saved beside each page to a client
# that takes gzip (gzip_static), as a static site would. Targets:
# anonymous at least 0.3× nginx, subscriber 0.2×, p99 under 15 ms.
# Resident memory after the run goes in the results. Masthead is served
# again with --no-background-builds for it, and left running.

LONGTAIL=${BENCH_LONGTAIL:-20000}

# longtail_sql DIR DATABASE SQL: rows of SQL, from sqlite3 or psql.
longtail_sql() {
	local dir=$1 db=$2 sql=$3
	if [ -n "$db" ]; then
		"$PGBIN/psql" -q -tA -v ON_ERROR_STOP=1 "$db" -c "$sql"
	else
		sqlite3 -readonly -cmd ".timeout 10000" "$dir/masthead.db" "$sql"
	fi
}

# longtail_slugs DIR DATABASE VISIBILITY: LONGTAIL article slugs, one a
# line, in an order fixed by a multiplicative hash of their ids.
longtail_slugs() {
	longtail_sql "$1" "$2" "SELECT slug FROM articles WHERE status = 'published' AND visibility = '$3'
		ORDER BY (id * 2654435761) % 4294967291, id LIMIT $LONGTAIL"
}

# longtail_save SLUGS WWW COOKIE: saves each article's page as WWW/N.html,
# N its line in SLUGS, with one curl for all of them.
longtail_save() {
	local slugs=$1 www=$2 cookie=$3
	rm -rf "$www"
	mkdir -p "$www"
	awk -v base="$MH_URL" -v www="$www" '{ printf "url = \"%s/articles/%s\"\noutput = \"%s/%d.html\"\n", base, $0, www, NR }' "$slugs" >"$www.curl"
	curl -sf --fail-early -H "Cookie: ${cookie:-none=1}" -K "$www.curl" || ci_die "saving the long tail's pages failed"
	rm -f "$www.curl"
	# Compressed beside them, for nginx's gzip_static: nginx at its best,
	# not compressing every request.
	find "$www" -name '*.html' -exec gzip -k -6 {} +
}

# longtail_lua PATHS SCRIPT: a wrk script asking for a random line of
# PATHS every request, from a seed fixed per thread.
longtail_lua() {
	{
		echo 'local paths = {'
		sed 's/.*/  "&",/' "$1"
		echo '}'
		cat <<'LUA'
local n = 0
function setup(thread) n = n + 1; thread:set("seed", n) end
function init() math.randomseed(7919 * (seed or 1)) end
function request() return wrk.format("GET", paths[math.random(#paths)]) end
LUA
	} >"$2"
}

# longtail_wrk URL SCRIPT COOKIE GZIP: prints "rps p50_ms p99_ms errors".
longtail_wrk() {
	local url=$1 script=$2 cookie=$3 gzip=$4 headers=()
	[ -n "$cookie" ] && headers+=(-H "Cookie: $cookie")
	[ "$gzip" = yes ] && headers+=(-H "Accept-Encoding: gzip")
	BENCH_WRK_SCRIPT=$script wrk_run_headers "$url" "${headers[@]}"
}

measure_longtail() {
	local label=$1 dir=$2 db=${3:-}
	ci_step "$label: the long tail, $LONGTAIL articles"
	command -v sqlite3 >/dev/null || [ -n "$db" ] || ci_die "bench/longtail.sh needs sqlite3 (apt-get install sqlite3)"
	# Served again without background builds: on a magazine just made,
	# WeasyPrint building the back catalogue's editions would take a core.
	stop_masthead
	MH_EXTRA_ARGS=(--no-background-builds)
	start_masthead "$dir" $db
	MH_EXTRA_ARGS=()
	local cookie
	cookie=$(subscriber_cookie)
	[ -n "$cookie" ] || ci_die "could not sign in the benchmark's subscriber"
	{
		printf '\n### %s: the long tail\n\n' "$label"
		printf 'Every request one of %s distinct published articles picked at random by a wrk Lua script (public ones for an anonymous reader, gated ones for a signed-in subscriber), in a fixed order on every run; nginx serves the same pages as saved, and their .gz copies (gzip -6, `gzip_static`) when asked for gzip. Page cache %s MiB. Targets: anonymous 0.3× nginx, subscriber 0.2×, p99 under 15 ms.\n\n' \
			"$LONGTAIL" "${BENCH_CACHE_MB:-32}"
		printf '| who | gzip | articles | Masthead req/s | nginx req/s | ratio | target | p50 ms | p99 ms | nginx p99 ms | errors | met |\n'
		printf '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n'
	} >>"$RESULTS"
	local who vis target c slugs www count mhlua nglua gzip round m n ms ns ratio met
	for who in anonymous subscriber; do
		vis=public target=0.3 c=""
		[ "$who" = subscriber ] && vis=subscribers target=0.2 c=$cookie
		slugs=$OUT/longtail-$vis.txt www=$NGINX_DIR/www/lt-$vis
		longtail_slugs "$dir" "$db" "$vis" >"$slugs"
		count=$(wc -l <"$slugs")
		[ "$count" -gt 0 ] || ci_die "the magazine in $dir has no $vis articles"
		ci_log "$label: saving $count $vis pages for nginx"
		longtail_save "$slugs" "$www" "$c"
		mhlua=$OUT/longtail-$vis-masthead.lua nglua=$OUT/longtail-$vis-nginx.lua
		sed 's|^|/articles/|' "$slugs" >"$slugs.mh"
		awk -v d="/lt-$vis" '{ printf "%s/%d.html\n", d, NR }' "$slugs" >"$slugs.ng"
		longtail_lua "$slugs.mh" "$mhlua"
		longtail_lua "$slugs.ng" "$nglua"
		for gzip in no yes; do
			longtail_wrk "$MH_URL/" "$mhlua" "$c" "$gzip" >/dev/null # warm, unmeasured
			ms=() ns=()
			for ((round = 0; round < ROUNDS; round++)); do
				ms+=("$(longtail_wrk "$MH_URL/" "$mhlua" "$c" "$gzip")")
				ns+=("$(longtail_wrk "$NGINX_URL/" "$nglua" "" "$gzip")")
			done
			m=($(median "${ms[@]}"))
			n=($(median "${ns[@]}"))
			ratio=$(awk -v a="${m[0]}" -v b="${n[0]}" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
			met=$(awk -v r="$ratio" -v t="$target" -v p="${m[2]}" -v e="${m[3]}" 'BEGIN { print (r >= t && p < 15 && e == 0) ? "yes" : "**no**" }')
			printf '| %s | %s | %s | %s | %s | %s× | %s | %s | %s | %s | %s | %s |\n' "$who" "$gzip" "$count" "${m[0]}" "${n[0]}" "$ratio" "$target" "${m[1]}" "${m[2]}" "${n[2]}" "${m[3]}" "$met" >>"$RESULTS"
			ci_log "$label | long tail, $who, gzip $gzip: Masthead ${m[0]} req/s (p99 ${m[2]} ms), nginx ${n[0]} req/s: ${ratio}×"
		done
		rm -rf "$www"
	done
	local rss
	rss=$(awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$MH_PID/status")
	printf '\nMasthead resident memory after the long tail: **%s MiB** (target: under 100 MiB on SQLite with 150,000 articles).\n' "$rss" >>"$RESULTS"
	ci_log "$label: resident memory after the long tail $rss MiB"
}
