ALTER TABLE cohorts DROP COLUMN finished_count;
ALTER TABLE cohorts DROP COLUMN waitlisted_count;
ALTER TABLE cohorts DROP COLUMN enrolled_count;
