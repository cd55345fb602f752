-- An issue can be scheduled: it goes live with its drafts at publish_at
-- (a Unix time; 0 when not scheduled), on the job queue.
ALTER TABLE issues ADD COLUMN publish_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX issues_publish_at ON issues (publish_at) WHERE publish_at > 0;
