-- Where the prospectus does not say how a programme is delivered or when it runs, the
-- catalogue says "not stated" (NULL) instead of presenting a guess. The single-column
-- indexes go: the catalogue is filtered in memory (the snapshot).
DROP INDEX programmes_delivery_mode_idx;
DROP INDEX programmes_availability_idx;
ALTER TABLE programmes ALTER COLUMN delivery_mode DROP NOT NULL;
ALTER TABLE programmes ALTER COLUMN availability DROP NOT NULL;
