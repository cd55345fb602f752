# shellcheck shell=bash
# The optional system tools the product uses and the tests exercise for
# real: the text-to-speech engines (espeak-ng, Festival with the HTS voice)
# and ffmpeg and lame for audio, epubcheck (with its Java) and WeasyPrint for the
# digital edition. Source .ci/common.sh first, then call tools_install: it
# installs with one apt-get whatever is missing. Under CI=true a test that
# needs a missing tool fails instead of skipping.

tools_install() {
	local missing=() recommends=()
	command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
	command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
	command -v lame >/dev/null 2>&1 || missing+=(lame)
	command -v weasyprint >/dev/null 2>&1 || missing+=(weasyprint)
	[ -f /usr/share/java/epubcheck.jar ] || missing+=(epubcheck)
	# Festival's recommends pull in a desktop's worth of sound servers.
	command -v text2wave >/dev/null 2>&1 || recommends+=(festival)
	[ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || recommends+=(festvox-us-slt-hts)
	if [ ${#missing[@]} -gt 0 ] || [ ${#recommends[@]} -gt 0 ]; then
		ci_log "installing ${missing[*]} ${recommends[*]} with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		[ ${#missing[@]} -eq 0 ] || apt-get install -y -qq "${missing[@]}" >/dev/null
		[ ${#recommends[@]} -eq 0 ] || apt-get install -y -qq --no-install-recommends "${recommends[@]}" >/dev/null
	fi
	local tool
	for tool in espeak-ng text2wave ffmpeg lame weasyprint java; do
		command -v "$tool" >/dev/null 2>&1 || ci_die "$tool is still missing after apt-get install"
	done
	[ -f /usr/share/java/epubcheck.jar ] || ci_die "epubcheck was installed but /usr/share/java/epubcheck.jar is missing"
}
