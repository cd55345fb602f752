-- The sentences of each segment, in order, as "key bytes" lines: a short
-- hash of the sentence as spoken (engine, voice, lexicon, text, the pause
-- after it) and how many bytes of the segment's MP3 frames it takes. When
-- a paragraph is edited, the sentences it still shares with the old one
-- are cut from the old segment instead of being spoken again.
ALTER TABLE audio_segments ADD COLUMN sentences TEXT NOT NULL DEFAULT '';
