DROP TABLE idempotency_keys;
DROP TABLE attendance;
DROP TABLE cohort_sessions;
DROP TABLE enrolments;
DROP TABLE cohort_priorities;
DROP TABLE cohorts;
DROP TABLE people;
