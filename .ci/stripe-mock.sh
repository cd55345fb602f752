# shellcheck shell=bash
# stripe-mock, Stripe's own API mock, for the tests of the Stripe provider's
# API calls. Source .ci/common.sh first, then call stripe_mock_start: it
# installs stripe-mock with `go install` (cached in ~/.cache/masthead-ci),
# starts it on two free ports of 127.0.0.1 (HTTP and HTTPS: given only one,
# it binds the other on every interface) and exports MASTHEAD_TEST_STRIPE_URL.
# It is stopped when the script exits (ci_defer).

STRIPE_MOCK_VERSION=v0.203.0
STRIPE_MOCK_DIR=""
STRIPE_MOCK_PID=""

stripe_mock_start() {
	local bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/masthead-ci/stripe-mock-$STRIPE_MOCK_VERSION"
	if [ ! -x "$bin_dir/stripe-mock" ]; then
		ci_log "installing stripe-mock $STRIPE_MOCK_VERSION with go install"
		mkdir -p "$bin_dir"
		GOBIN="$bin_dir" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
	fi
	STRIPE_MOCK_DIR=$(mktemp -d /tmp/masthead-ci-stripe-mock.XXXXXX)
	ci_defer stripe_mock_stop
	local http https
	for ((http = 55700; http < 56200; http++)); do ci_port_free "$http" && break; done
	for ((https = http + 1; https < 56300; https++)); do ci_port_free "$https" && break; done
	"$bin_dir/stripe-mock" -http-addr "127.0.0.1:$http" -https-addr "127.0.0.1:$https" \
		>"$STRIPE_MOCK_DIR/stripe-mock.log" 2>&1 &
	STRIPE_MOCK_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		if (: </dev/tcp/127.0.0.1/"$http") 2>/dev/null; then
			export MASTHEAD_TEST_STRIPE_URL="http://127.0.0.1:$http"
			ci_log "stripe-mock listening: $MASTHEAD_TEST_STRIPE_URL"
			return
		fi
		kill -0 "$STRIPE_MOCK_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$STRIPE_MOCK_DIR/stripe-mock.log" >&2
	ci_die "stripe-mock did not start (log above)"
}

stripe_mock_stop() {
	[ -n "$STRIPE_MOCK_PID" ] && kill "$STRIPE_MOCK_PID" 2>/dev/null && wait "$STRIPE_MOCK_PID" 2>/dev/null
	[ -n "$STRIPE_MOCK_DIR" ] && rm -rf "$STRIPE_MOCK_DIR"
	STRIPE_MOCK_PID="" STRIPE_MOCK_DIR=""
	return 0
}
