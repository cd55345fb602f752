# shellcheck shell=bash
# versitygw, a real S3-compatible server for the object-storage tests.
# Source .ci/common.sh first, then call s3_start: it installs versitygw with
# `go install` (cached in ~/.cache/masthead-ci), starts it on a free port of
# 127.0.0.1 over a fresh folder (objects are plain files there), creates the
# bucket "masthead" and exports MASTHEAD_TEST_S3_URL as
# http://ACCESS:SECRET@127.0.0.1:PORT/masthead. Tests make buckets of their
# own beside it. It is stopped when the script exits (ci_defer).

VERSITYGW_VERSION=v1.8.0
S3_DIR=""
S3_PID=""

s3_start() {
	local bin_dir="${XDG_CACHE_HOME:-$HOME/.cache}/masthead-ci/versitygw-$VERSITYGW_VERSION"
	if [ ! -x "$bin_dir/versitygw" ]; then
		ci_log "installing versitygw $VERSITYGW_VERSION with go install (about 80 s)"
		mkdir -p "$bin_dir"
		GOBIN="$bin_dir" go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
	fi
	command -v curl >/dev/null 2>&1 || ci_die "curl is needed to create the test bucket: apt-get install -y curl"
	S3_DIR=$(mktemp -d /tmp/masthead-ci-s3.XXXXXX)
	ci_defer s3_stop
	mkdir -p "$S3_DIR/data"
	local access=masthead-ci secret port i
	secret=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
	for ((port = 55800; port < 56300; port++)); do ci_port_free "$port" && break; done
	ROOT_ACCESS_KEY="$access" ROOT_SECRET_KEY="$secret" "$bin_dir/versitygw" --port "127.0.0.1:$port" posix "$S3_DIR/data" \
		>"$S3_DIR/versitygw.log" 2>&1 &
	S3_PID=$!
	for ((i = 0; i < 100; i++)); do
		if (: </dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
			# A signed PUT of the bucket (curl signs with SigV4 itself; the
			# header is the SHA-256 of the empty body, which S3 wants).
			curl -sSf -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" --user "$access:$secret" \
				-H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
				"http://127.0.0.1:$port/masthead" >/dev/null ||
				ci_die "versitygw on 127.0.0.1:$port refused to create the bucket (log: $S3_DIR/versitygw.log)"
			export MASTHEAD_TEST_S3_URL="http://$access:$secret@127.0.0.1:$port/masthead"
			ci_log "versitygw listening on 127.0.0.1:$port, bucket masthead"
			return
		fi
		kill -0 "$S3_PID" 2>/dev/null || break
		sleep 0.1
	done
	cat "$S3_DIR/versitygw.log" >&2
	ci_die "versitygw did not start (log above)"
}

s3_stop() {
	[ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null && wait "$S3_PID" 2>/dev/null
	[ -n "$S3_DIR" ] && rm -rf "$S3_DIR"
	S3_PID="" S3_DIR=""
	return 0
}
