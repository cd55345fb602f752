# bench/audio.sh: narration benchmarks, sourced by bench/run.
#
# measure_audio LABEL, with Masthead running at MH_URL and nginx at
# NGINX_URL:
#   - each engine narrating a ~1,200-word text (`masthead audio say`):
#     CPU seconds and real-time factor;
#   - each engine through the Narrator (segments stored, the file joined):
#     a ~1,200-word article, then again after a few words of one
#     paragraph are edited, whose CPU must stay under 5 % of the full
#     render (BenchmarkRerender in internal/audio), and after one of its
#     21 paragraphs is rewritten whole (which cannot cost less than its
#     share, about 4.8 %);
#   - first play of never-narrated articles: time to the first audio byte
#     (median of AUDIO_FIRST_PLAYS, default 3);
#   - the kept MP3 served to an entitled reader with Range, against nginx
#     serving the same file, ROUNDS rounds alternating, medians (target:
#     at least 0.3×).
# Engines that are not installed are reported and skipped.

audio_text() {
	# About 1,200 words of the magazine's own prose: a public article's
	# paragraphs, repeated.
	local path=$1 out=$2
	curl -sf "$MH_URL$path" | tr '\n' ' ' | grep -o '<p>[^<]*</p>' | sed 's/<[^>]*>//g' >"$out.p" || true
	[ -s "$out.p" ] || echo "The council met on Tuesday to discuss the ferry route and the bridge budget." >"$out.p"
	: >"$out"
	while [ "$(wc -w <"$out")" -lt 1200 ]; do
		awk '{ print; print "" }' "$out.p" >>"$out"
	done
}

# bench_metric LINE NAME: the value a Go benchmark line reports for NAME.
bench_metric() {
	awk -v m="$2" '{ for (i = 2; i <= NF; i++) if ($i == m) print $(i - 1) }' <<<"$1"
}

measure_audio() {
	local label=$1 api=$MH_URL/api/v1 cookie public
	ci_step "$label: audio"
	# The page benchmark's subscriber (comped to the demo's Digital plan,
	# which includes audio), signed in again.
	local link
	link=$("$OUT/masthead" reader link "${MH_DATA_ARGS[@]}" --email bench-subscriber@example.com --base-url "$MH_URL" --log-level warn)
	cookie=$(curl -s -o /dev/null -D - -X POST "$link" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(masthead_reader=[^;]*\).*/\1/p')
	[ -n "$cookie" ] || ci_die "could not sign in the benchmark's subscriber for audio"
	public=$(curl -sf "$api/articles?visibility=public&limit=1" | grep -o '"url":"[^"]*/articles/[^"]*"' | sed -n 1p | sed 's/.*\(\/articles\/[^"]*\)"/\1/')
	{
		printf '\n### %s: audio\n\n' "$label"
		printf '| measure | value | target | met |\n|---|---:|---:|---|\n'
	} >>"$RESULTS"

	audio_text "$public" "$OUT/audio-1200.txt"
	local engine line target cpu
	for engine in espeak-ng festival; do
		target=3
		[ "$engine" = festival ] && target=15
		if ! command -v "$engine" >/dev/null; then
			printf '| %s, 1,200 words | not installed | < %s s CPU | |\n' "$engine" "$target" >>"$RESULTS"
			continue
		fi
		# "espeak-ng (en-us): 1200 words, 406.8 s of speech, 2.70 s CPU ..., 151× real time per CPU second"
		line=$("$OUT/masthead" audio say --engine "$engine" --file "$OUT/audio-1200.txt" --out "$OUT/audio-$engine.mp3")
		ci_log "$line"
		cpu=$(sed -n 's/.*, \([0-9.]*\) s CPU.*/\1/p' <<<"$line")
		printf '| %s, %s | %s s CPU, %s× real time | < %s s CPU | %s |\n' "$engine" "$(sed -n 's/.*: \([0-9]* words\).*/\1/p' <<<"$line")" "$cpu" \
			"$(sed -n 's/.* \([0-9]*\)× real time.*/\1/p' <<<"$line")" "$target" \
			"$(awk -v c="$cpu" -v t="$target" 'BEGIN { print (c < t) ? "yes" : "**no**" }')" >>"$RESULTS"
	done

	# The Narrator: a full render, then one paragraph edited.
	local bench
	bench=$(go test -run '^$' -bench Rerender -benchtime 1x ./internal/audio/ 2>&1 | grep '^BenchmarkRerender/' || true)
	ci_log "$bench"
	for engine in espeak-ng festival; do
		line=$(grep "^BenchmarkRerender/$engine-" <<<"$bench" || true)
		if [ -z "$line" ]; then
			printf '| %s, one-paragraph edit re-rendered | not measured (engine missing?) | < 5 %% of the full render | |\n' "$engine" >>"$RESULTS"
			continue
		fi
		printf '| %s, %s-word article: full render, then a few words of one paragraph edited (that paragraph rewritten whole: %.1f %%) | %s s, then %s s CPU: %.1f %% | < 5 %% | %s |\n' "$engine" \
			"$(bench_metric "$line" words)" "$(bench_metric "$line" rewrite-%)" "$(bench_metric "$line" full-cpu-s)" "$(bench_metric "$line" edit-cpu-s)" "$(bench_metric "$line" edit-%)" \
			"$(awk -v p="$(bench_metric "$line" edit-%)" 'BEGIN { print (p < 5) ? "yes" : "**no**" }')" >>"$RESULTS"
	done

	# First plays: gated articles nobody has heard; the stream is left
	# after its first bytes (the narration goes on being kept).
	local paths times=() p t
	paths=$(curl -sf "$api/articles?visibility=subscribers&limit=${AUDIO_FIRST_PLAYS:-3}" | grep -o '"url":"[^"]*/articles/[^"]*"' | sed 's/.*\(\/articles\/[^"]*\)"/\1/')
	for p in $paths; do
		t=$(curl -s -o /dev/null --max-time 5 -H "Cookie: $cookie" -w '%{http_code} %{time_starttransfer}' "$MH_URL$p/audio.mp3" || true)
		ci_log "first play $p: $t"
		[ "${t%% *}" = 200 ] && times+=("$(awk -v s="${t#* }" 'BEGIN { printf "%.0f", s * 1000 }')")
	done
	if [ "${#times[@]}" -gt 0 ]; then
		local p50
		p50=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		printf '| first play, first audio byte (median of %d) | %s ms | < 1000 ms | %s |\n' "${#times[@]}" "$p50" \
			"$(awk -v v="$p50" 'BEGIN { print (v < 1000) ? "yes" : "**no**" }')" >>"$RESULTS"
	else
		printf '| first play, first audio byte | no narration (engine missing?) | < 1000 ms | **no** |\n' >>"$RESULTS"
		return
	fi

	# The kept file, with Range, against nginx serving the same bytes.
	local first
	first=$(head -1 <<<"$paths")
	for _ in $(seq 1 120); do
		curl -sf -H "Cookie: $cookie" -o "$NGINX_DIR/www/audio.mp3" -D "$OUT/audio.headers" "$MH_URL$first/audio.mp3" &&
			grep -qi '^etag' "$OUT/audio.headers" && break
		sleep 1
	done
	local range=(-H "Range: bytes=0-65535") m n ratio round ms=() ns=()
	# Every request is a ranged one from the entitled reader; alternating
	# rounds and medians, as for the pages, because the machine is shared.
	for ((round = 0; round < ROUNDS; round++)); do
		ms+=("$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -H "Cookie: $cookie" "${range[@]}" "$MH_URL$first/audio.mp3" | awk '/^Requests\/sec:/ { printf "%d", $2 }')")
		ns+=("$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" "${range[@]}" "$NGINX_URL/audio.mp3" | awk '/^Requests\/sec:/ { printf "%d", $2 }')")
	done
	m=$(printf '%s\n' "${ms[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	n=$(printf '%s\n' "${ns[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	ratio=$(awk -v a="$m" -v b="$n" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	ci_log "$label | audio with Range: Masthead $m req/s, nginx $n req/s: ${ratio}×"
	printf '| kept MP3 with Range (64 KiB), Masthead vs nginx (median of %d) | %s vs %s req/s: %s× | 0.3× | %s |\n' "$ROUNDS" "$m" "$n" "$ratio" \
		"$(awk -v r="$ratio" 'BEGIN { print (r >= 0.3) ? "yes" : "**no**" }')" >>"$RESULTS"
}
