# bench/ads.sh, sourced by bench/run: the anonymous article page with its
# ad slots filled (issue 13: at least 0.5× nginx).
#
# measure_ads LABEL DIR [DATABASE] stops the Masthead that serves the
# magazine in DIR (if any), puts a house ad in every slot and an ad
# server's tag inside articles straight into its database, serves it
# again and measures the anonymous article page as bench/run measures
# every page ("LABEL, with ads"), then stops it and takes the ads out: a
# reused magazine's other pages stay without ads. The ads are also taken
# out if the run stops half-way.

# ads_sql DIR DATABASE SQL: runs SQL on the magazine's database and
# prints the rows (sqlite3 on DIR/masthead.db, or psql on DATABASE).
ads_sql() {
	local dir=$1 db=$2 sql=$3
	if [ -n "$db" ]; then
		psql -q -tA -v ON_ERROR_STOP=1 "$db" -c "$sql"
	else
		# A Masthead just stopped may hold the database a moment longer.
		sqlite3 -cmd ".timeout 10000" "$dir/masthead.db" "$sql"
	fi
}

ads_remove() {
	ads_sql "$1" "$2" "DELETE FROM ad_stats WHERE ad_id IN (SELECT id FROM ads WHERE name LIKE 'bench/ads.sh %');
		DELETE FROM ads WHERE name LIKE 'bench/ads.sh %';"
}

# ads_insert DIR DATABASE: the house ad shows an image of the magazine's
# media library and may fill any slot; the tag runs inside articles.
ads_insert() {
	local dir=$1 db=$2 key now
	command -v sqlite3 >/dev/null || [ -n "$db" ] || ci_die "bench/ads.sh needs sqlite3 (apt-get install sqlite3)"
	key=$(ads_sql "$dir" "$db" "SELECT key FROM media WHERE variant_of = '' AND width > 0 ORDER BY id LIMIT 1")
	[ -n "$key" ] || ci_die "the magazine in $dir has no image for a house ad"
	now=$(date +%s)
	ads_remove "$dir" "$db"
	ads_sql "$dir" "$db" "INSERT INTO ads (name, kind, image_key, alt, link_url, tag_html, starts_on, ends_on, weight, slots, created_at, updated_at) VALUES
		('bench/ads.sh house', 'house', '$key', 'A year of the magazine', 'https://shop.example/', '', '2020-01-01', '2099-12-31', 1, 'article-end article-inline home list', $now, $now),
		('bench/ads.sh tag', 'tag', '', '', '', '<div id=\"n\"></div><script src=\"https://ads.example/t.js\"></script>', '2020-01-01', '2099-12-31', 1, 'article-inline', $now, $now);"
}

# ads_pages, a page picker for measure: the newest public article long
# enough to carry an ad inside as well as at the end (a short one has no
# paragraph for the inline slot to follow).
ads_pages() {
	local article page
	for article in $(curl -sf "$MH_URL/api/v1/articles?visibility=public&limit=20" | grep -o '"url":"[^"]*/articles/[^"]*"' | sed 's/.*\(\/articles\/[^"]*\)"/\1/'); do
		page=$(curl -sf "$MH_URL$article")
		if grep -q 'data-ad-slot="article-inline"' <<<"$page" && grep -q 'data-ad-slot="article-end"' <<<"$page"; then
			PAGES=("article with ads (anonymous)|$article|html|0.5")
			return
		fi
	done
	ci_die "none of the 20 newest public articles shows ads inside and at the end: the ads row would measure a page without them"
}

measure_ads() {
	local label=$1 dir=$2 db=${3:-}
	ci_step "$label: with ads"
	stop_masthead
	ads_insert "$dir" "$db"
	ci_defer "ads_remove '$dir' '$db'"
	start_masthead "$dir" $db
	measure "$label, with ads" ads_pages
	stop_masthead
	ads_remove "$dir" "$db"
}
