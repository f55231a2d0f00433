-- Where the prospectus does not say how a programme is delivered or when it runs, the
-- catalogue says "not stated" (NULL) instead of presenting a guess. SQLite cannot drop a
-- NOT NULL: each column is replaced by a nullable one with the same CHECK and values. The
-- single-column indexes go: the catalogue is filtered in memory (the snapshot).
DROP INDEX programmes_delivery_mode_idx;
DROP INDEX programmes_availability_idx;
ALTER TABLE programmes ADD COLUMN delivery_mode_stated TEXT
    CHECK (delivery_mode_stated IN ('online', 'face_to_face', 'blended', 'residential'));
UPDATE programmes SET delivery_mode_stated = delivery_mode;
ALTER TABLE programmes DROP COLUMN delivery_mode;
ALTER TABLE programmes RENAME COLUMN delivery_mode_stated TO delivery_mode;
ALTER TABLE programmes ADD COLUMN availability_stated TEXT
    CHECK (availability_stated IN ('on_demand', 'commissioned', 'scheduled'));
UPDATE programmes SET availability_stated = availability;
ALTER TABLE programmes DROP COLUMN availability;
ALTER TABLE programmes RENAME COLUMN availability_stated TO availability;
