# shellcheck shell=bash
# govulncheck over our code, against Go's vulnerability database. This
# machine cannot reach vuln.go.dev, but the module proxy serves the
# database's source, golang.org/x/vulndb, whose data/osv folder holds every
# report; its own indexdb command turns that folder into the database
# govulncheck reads with -db file://. Both tools and the database are
# cached in ~/.cache/masthead-ci by version. Source .ci/common.sh first,
# then call govulncheck_run. .ci/vulngate decides what fails the run.

GOVULNCHECK_VERSION=v1.9.0
# The database as of this snapshot of x/vulndb; move it forward to learn of
# newer vulnerabilities.
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018

govulncheck_run() {
	local cache="${XDG_CACHE_HOME:-$HOME/.cache}/masthead-ci"
	local bin="$cache/govulncheck-$GOVULNCHECK_VERSION" db="$cache/vulndb-$VULNDB_VERSION"
	if [ ! -x "$bin/govulncheck" ]; then
		ci_log "installing govulncheck $GOVULNCHECK_VERSION with go install"
		GOBIN="$bin" go install "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION"
	fi
	if [ ! -f "$db/index/db.json" ]; then
		ci_log "building the vulnerability database from golang.org/x/vulndb@$VULNDB_VERSION (about 90 s the first time)"
		local src
		src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
		[ -d "$src/data/osv" ] || ci_die "golang.org/x/vulndb@$VULNDB_VERSION has no data/osv folder"
		GOBIN="$cache/vulndb-tools" go install "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION"
		rm -rf "$db.tmp"
		"$cache/vulndb-tools/indexdb" -vulns "$src/data/osv" -out "$db.tmp"
		mv "$db.tmp" "$db"
	fi
	"$bin/govulncheck" -db "file://$db" -format json ./... >"$cache/govulncheck.json"
	go run ./.ci/vulngate <"$cache/govulncheck.json"
}
