-- A session's snapshot (its state's JSON, about 5 KB in a played scene) is rewritten by every
-- commit. Kept out of line but not compressed: compressing it cost the server more, at each
-- commit, than the disk it saves (one snapshot per session). Values written before stay as
-- they are until their session's next commit.

ALTER TABLE snapshots ALTER COLUMN state SET STORAGE EXTERNAL;
