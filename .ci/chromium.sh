# shellcheck shell=bash
# Chromium for the browser tests (chromedp). Source .ci/common.sh first, then
# this file, then call chromium_install: it installs Debian's chromium when
# /usr/bin/chromium is missing. The tests find it there; under CI=true a
# missing browser fails them instead of skipping.

chromium_install() {
	if [ ! -x /usr/bin/chromium ]; then
		ci_log "no /usr/bin/chromium: installing it with apt-get (about a minute)"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update
		apt-get install -y chromium
	fi
	[ -x /usr/bin/chromium ] || ci_die "chromium was installed but /usr/bin/chromium is missing"
	ci_log "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium (version unknown)')"
}
