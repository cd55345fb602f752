# shellcheck shell=bash
# Helpers shared by the CI scripts (.ci/run, and the benchmark script to
# come). Source it; it installs the EXIT trap that the ci_defer actions need.

# ci_step NAME: announce a step, with the time since the script started, so
# that a slow step shows where the minutes went.
ci_step() {
	printf '\n==> %s (at %ds)\n' "$*" "$SECONDS" >&2
}

ci_log() {
	printf 'ci: %s\n' "$*" >&2
}

ci_die() {
	printf 'ci: error: %s\n' "$*" >&2
	exit 1
}

# ci_defer CMD...: run CMD when the script exits, however it exits (success,
# a failed command under set -e, Ctrl-C, kill). Actions run last-registered
# first, so a service is stopped before the folder it lives in is removed.
# Every service helper registers its stop here before it starts anything.
_ci_deferred=()
ci_defer() {
	_ci_deferred+=("$*")
}

_ci_run_deferred() {
	local rc=$? i
	trap - EXIT
	for ((i = ${#_ci_deferred[@]} - 1; i >= 0; i--)); do
		eval "${_ci_deferred[i]}" || ci_log "clean-up step failed: ${_ci_deferred[i]}"
	done
	_ci_deferred=()
	exit "$rc"
}

trap _ci_run_deferred EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ci_go_on_path: the Go tarball installs to /usr/local/go/bin, which a fresh
# root shell may not have on PATH.
ci_go_on_path() {
	if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
		export PATH="/usr/local/go/bin:$PATH"
	fi
	command -v go >/dev/null 2>&1 || ci_die "go is not on PATH and not in /usr/local/go/bin: install Go 1.26"
}

# ci_port_free PORT: whether nothing listens on 127.0.0.1:PORT. A service
# helper still has to handle losing the race for the port to another
# process, by trying the next one.
ci_port_free() {
	if command -v ss >/dev/null 2>&1; then
		[ -z "$(ss -Hltn "sport = :$1" 2>/dev/null)" ] || return 1
	fi
	! (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null
}
