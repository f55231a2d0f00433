-- The impact reports read a period's cohorts' enrolments: with every column they count
-- beside the cohort, PostgreSQL answers them from the index alone (an index-only scan per
-- cohort), in time that grows with the period's enrolments, not the table's.
CREATE INDEX enrolments_report_idx ON enrolments (cohort_id)
    INCLUDE (status, person_id, organisation_id, present_count, absent_count);
