# shellcheck shell=bash
# Go's native fuzzing over what parses untrusted input. Source
# .ci/common.sh first, then call fuzz_all: it finds every `func FuzzXxx(f
# *testing.F)` in the tree and fuzzes each for FUZZ_TIME (default 10s),
# after its checked-in seed corpus has passed as part of `go test`. A new
# fuzz target needs no change here. A failure leaves the input that broke
# it under the package's testdata/fuzz/, to be checked in with the fix.

FUZZ_TIME=${FUZZ_TIME:-10s}

fuzz_all() {
	local file pkg name n=0
	while IFS=: read -r file name; do
		pkg=./$(dirname "$file")
		ci_log "fuzz $pkg $name for $FUZZ_TIME"
		go test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZ_TIME" "$pkg"
		n=$((n + 1))
	done < <(git ls-files '*_test.go' | xargs grep -Ho '^func Fuzz[A-Za-z0-9_]*(f \*testing\.F)' |
		sed -E 's/^([^:]+):func (Fuzz[A-Za-z0-9_]*)\(.*/\1:\2/' | sort)
	ci_log "$n fuzz targets ran"
}
