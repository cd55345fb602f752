-- The ad inventory (issue 13): house ads (an image from the media
-- library and a link) and ad servers' tags, each with the days it runs
-- (dates in the publication's zone, both included), a weight among the
-- ads live with it, and the slots it may fill (space-separated names).
CREATE TABLE ads (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('house', 'tag')),
    image_key  TEXT NOT NULL DEFAULT '',
    alt        TEXT NOT NULL DEFAULT '',
    link_url   TEXT NOT NULL DEFAULT '',
    tag_html   TEXT NOT NULL DEFAULT '',
    starts_on  TEXT NOT NULL, -- YYYY-MM-DD
    ends_on    TEXT NOT NULL,
    weight     INTEGER NOT NULL CHECK (weight > 0),
    slots      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ads_days ON ads (ends_on, starts_on);

-- Impressions and clicks of each ad, as daily totals: counted by the
-- site's own image, frame and click addresses, with no cookie and nothing
-- kept about the reader.
CREATE TABLE ad_stats (
    ad_id       INTEGER NOT NULL REFERENCES ads (id) ON DELETE CASCADE,
    day         TEXT NOT NULL, -- YYYY-MM-DD in the publication's zone
    impressions INTEGER NOT NULL DEFAULT 0,
    clicks      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (ad_id, day)
);
