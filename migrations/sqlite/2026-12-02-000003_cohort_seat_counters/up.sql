-- Each cohort's seats in use and its waitlist, kept on the cohort's row by every write that
-- changes an enrolment's status (under the row lock that write holds anyway): an admission
-- decides and takes its seat or ticket in one conditional UPDATE, and a cohort is read in
-- one statement. `seats::recount` recomputes them from the enrolments.
ALTER TABLE cohorts ADD COLUMN enrolled_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cohorts ADD COLUMN waitlisted_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cohorts ADD COLUMN finished_count INTEGER NOT NULL DEFAULT 0;
UPDATE cohorts SET
    enrolled_count = (SELECT count(*) FROM enrolments e
                      WHERE e.cohort_id = cohorts.id AND e.status = 'enrolled'),
    waitlisted_count = (SELECT count(*) FROM enrolments e
                        WHERE e.cohort_id = cohorts.id AND e.status = 'waitlisted'),
    finished_count = (SELECT count(*) FROM enrolments e
                      WHERE e.cohort_id = cohorts.id AND e.status IN ('completed', 'not_completed'));
