# bench/edition.sh, sourced by bench/run: the digital edition's pages.
#
# edition_pages ISSUE COOKIE adds to PAGES the web edition of ISSUE and
# its EPUB download, both for the signed-in Digital subscriber, after
# waiting for the job queue to build the EPUB (newest issues first).
edition_pages() {
	local issue=$1 cookie=$2 i
	for ((i = 0; i < 600; i++)); do
		curl -sf -o /dev/null -H "Cookie: $cookie" "$MH_URL$issue/download/epub" && break
		sleep 0.5
	done
	[ "$i" -lt 600 ] || ci_die "the EPUB of $issue was not built within 5 minutes"
	PAGES+=(
		"web edition (subscriber)|$issue/read|html|0.3|$cookie"
		"EPUB download (subscriber)|$issue/download/epub|epub|0.3|$cookie"
	)
}

# edition_build_times appends the EPUB and PDF build times of a 40-article
# demo issue (go test benchmarks) to the results.
edition_build_times() {
	ci_step "edition build times"
	local out
	out=$(go test ./internal/edition -run '^$' -bench 'EPUB40|PDF40' -benchtime 3x 2>&1 | awk '/^Benchmark/ { printf "%s %.2f s\n", $1, $3 / 1e9 }')
	ci_log "$out"
	{
		printf '\n### Edition builds\n\nA 40-article demo issue with its pictures, built three times (target: the EPUB under 2 s):\n\n'
		printf '%s\n' "$out" | sed 's/^BenchmarkEPUB40-[0-9]*/- EPUB:/; s/^BenchmarkPDF40-[0-9]*/- PDF (WeasyPrint):/'
	} >>"$RESULTS"
}
