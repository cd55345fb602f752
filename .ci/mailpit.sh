# shellcheck shell=bash
# mailpit, a real SMTP server for the mail tests. Source .ci/common.sh first,
# then call mailpit_start: it installs mailpit with `go install` (cached in
# ~/.cache/masthead-ci), starts it on two free ports of 127.0.0.1 and exports
# MASTHEAD_TEST_SMTP_URL and MASTHEAD_TEST_MAILPIT_URL. It is stopped when
# the script exits (ci_defer).

MAILPIT_VERSION=v1.33.1
MAILPIT_DIR=""
MAILPIT_PID=""

mailpit_start() {
	local bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/masthead-ci/mailpit-$MAILPIT_VERSION"
	if [ ! -x "$bin_dir/mailpit" ]; then
		ci_log "installing mailpit $MAILPIT_VERSION with go install"
		mkdir -p "$bin_dir"
		GOBIN="$bin_dir" go install "github.com/axllent/mailpit@$MAILPIT_VERSION"
	fi
	MAILPIT_DIR=$(mktemp -d /tmp/masthead-ci-mailpit.XXXXXX)
	ci_defer mailpit_stop
	local http smtp
	for ((http = 55100; http < 55600; http++)); do ci_port_free "$http" && break; done
	for ((smtp = http + 1; smtp < 55700; smtp++)); do ci_port_free "$smtp" && break; done
	"$bin_dir/mailpit" --listen "127.0.0.1:$http" --smtp "127.0.0.1:$smtp" --database "$MAILPIT_DIR/mailpit.db" \
		>"$MAILPIT_DIR/mailpit.log" 2>&1 &
	MAILPIT_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		if (: </dev/tcp/127.0.0.1/"$smtp") 2>/dev/null && (: </dev/tcp/127.0.0.1/"$http") 2>/dev/null; then
			export MASTHEAD_TEST_SMTP_URL="smtp://127.0.0.1:$smtp?tls=none"
			export MASTHEAD_TEST_MAILPIT_URL="http://127.0.0.1:$http"
			ci_log "mailpit listening: SMTP 127.0.0.1:$smtp, API $MASTHEAD_TEST_MAILPIT_URL"
			return
		fi
		sleep 0.1
	done
	cat "$MAILPIT_DIR/mailpit.log" >&2
	ci_die "mailpit did not start (log above)"
}

mailpit_stop() {
	[ -n "$MAILPIT_PID" ] && kill "$MAILPIT_PID" 2>/dev/null && wait "$MAILPIT_PID" 2>/dev/null
	[ -n "$MAILPIT_DIR" ] && rm -rf "$MAILPIT_DIR"
	MAILPIT_PID="" MAILPIT_DIR=""
	return 0
}
