# shellcheck shell=bash
# bench/logging.sh, sourced by bench/run: what request logging costs.
#
# measure_logging DIR serves the magazine in DIR twice and loads its home
# page with wrk each time: once logging every request at info (as before
# issue 9: --log-sample 1) and once with the default (successful requests
# at debug, so not written at --log-level info). It reports req/s and the
# bytes of log written per request, into $RESULTS.

# logging_run DIR LABEL ARGS...: one server, one wrk run; prints
# "label rps bytes_per_request".
logging_run() {
	local dir=$1 label=$2 port log pid out requests bytes
	shift 2
	port=$(free_port 18200)
	log=$OUT/logging-$label.log
	"$OUT/masthead" serve --data "$dir" --addr "127.0.0.1:$port" --log-level info "$@" >"$log" 2>&1 &
	pid=$!
	ci_defer "kill $pid 2>/dev/null || true"
	wait_http "http://127.0.0.1:$port/healthz"
	wrk -t"$THREADS" -c"$CONNS" -d1s "http://127.0.0.1:$port/" >/dev/null # warm
	: >"$log"
	out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "http://127.0.0.1:$port/")
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	requests=$(awk '/requests in/ { print $1 }' <<<"$out")
	bytes=$(stat -c %s "$log")
	awk -v l="$label" -v n="$requests" -v b="$bytes" -v d="$DURATION" \
		'BEGIN { printf "%s %d %.1f\n", l, (d > 0 ? n / d : 0), (n > 0 ? b / n : 0) }'
}

measure_logging() {
	local dir=$1 every quiet
	ci_step "request logging: the home page with every request logged, and with the default"
	every=($(logging_run "$dir" every --log-sample 1))
	quiet=($(logging_run "$dir" default))
	{
		printf '\n### Request logging\n\n'
		printf 'The home page, wrk -t%s -c%s -d%ss, served at --log-level info: every request logged (--log-sample 1) against the default (page views at debug).\n\n' "$THREADS" "$CONNS" "$DURATION"
		printf '| logging | req/s | log bytes per request |\n|---|---:|---:|\n'
		printf '| every request at info | %s | %s |\n' "${every[1]}" "${every[2]}"
		printf '| default | %s | %s |\n' "${quiet[1]}" "${quiet[2]}"
	} >>"$RESULTS"
	ci_log "logging: every request ${every[1]} req/s, ${every[2]} B/request; default ${quiet[1]} req/s, ${quiet[2]} B/request"
}
