-- Smaller copies of an uploaded image, for srcset: each is a media row of
-- its own (content-addressed like any file) that names its original.
ALTER TABLE media ADD COLUMN variant_of TEXT NOT NULL DEFAULT '';
CREATE INDEX media_variant_of ON media (variant_of, width);
