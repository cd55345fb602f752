-- Where each segment of an article's narration starts in its joined MP3,
-- in milliseconds, one per line in the order of segments: the article
-- page's "play from this paragraph" controls. Counted from the MP3 frames
-- of each segment when the file is joined (a segment's MP3 runs a little
-- longer than the speech it encodes); '' for narrations made before, whose
-- starts are worked out from the segments' durations.
ALTER TABLE article_audio ADD COLUMN starts TEXT NOT NULL DEFAULT '';
