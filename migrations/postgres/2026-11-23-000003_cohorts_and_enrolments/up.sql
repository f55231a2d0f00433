-- People, cohorts, enrolments, sessions and attendance; idempotency keys for retried POSTs.
-- Indexes:
--   people_email_key               UNIQUE email (NULL once erased)
--   people_organisation_ref_key    UNIQUE (organisation_id, external_ref) → by-ref lookups
--   people_organisation_updated_idx (organisation_id, updated_at, id)      → org lists, delta sync
--   people_updated_idx             (updated_at, id)                        → delta sync
--   cohorts_programme_idx          (programme_id, start_date, id)          → a programme's cohorts
--   cohorts_start_idx              (start_date, id)                        → list, starts_after
--   cohorts_status_idx             (status, start_date)                    → status filter
--   cohorts_commissioning_idx      (commissioning_organisation_id)         → FK, organisation filter
--   cohort_priorities_priority_idx (priority_code, cohort_id)              → priority filter
--   enrolments_live_key            UNIQUE (cohort_id, person_id) WHERE live → one live place each
--   enrolments_cohort_status_idx   (cohort_id, status, queue_seq)          → seat counts, waitlist order
--   enrolments_person_idx          (person_id)                             → FK
--   enrolments_updated_idx         (updated_at, id)                        → HR pull, delta sync
--   enrolments_organisation_updated_idx (organisation_id, updated_at, id)  → an organisation's HR pull
--   cohort_sessions_cohort_idx     (cohort_id, starts_at)
--   attendance_enrolment_idx       (enrolment_id)
--   idempotency_keys_created_idx   (created_at)                            → expiry

CREATE TABLE people (
    id                   UUID PRIMARY KEY NOT NULL,
    organisation_id      UUID REFERENCES organisations (id),
    -- personal fields: NULL once the person is erased
    given_name           TEXT,
    family_name          TEXT,
    email                TEXT,
    job_role             TEXT,
    external_ref         TEXT,
    expert_by_experience BOOLEAN NOT NULL DEFAULT FALSE,
    erased_at            TIMESTAMP,
    version              INTEGER NOT NULL DEFAULT 1,
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    CONSTRAINT people_email_key UNIQUE (email),
    CONSTRAINT people_organisation_ref_key UNIQUE (organisation_id, external_ref)
);
CREATE INDEX people_organisation_updated_idx ON people (organisation_id, updated_at, id);
CREATE INDEX people_updated_idx ON people (updated_at, id);

CREATE TABLE cohorts (
    id                            UUID PRIMARY KEY NOT NULL,
    programme_id                  UUID NOT NULL REFERENCES programmes (id),
    label                         TEXT NOT NULL,
    start_date                    DATE NOT NULL,
    end_date                      DATE NOT NULL,
    capacity                      INTEGER NOT NULL CHECK (capacity >= 1),
    waitlist_enabled              BOOLEAN NOT NULL,
    delivery_mode                 TEXT NOT NULL CHECK (delivery_mode IN ('online', 'face_to_face', 'blended', 'residential')),
    location                      TEXT,
    joining_link                  TEXT,
    commissioning_organisation_id UUID REFERENCES organisations (id),
    status                        TEXT NOT NULL CHECK (status IN ('planned', 'open', 'running', 'completed', 'cancelled')),
    -- the next waitlist ticket; taken under the cohort's row lock
    next_queue_seq                INTEGER NOT NULL DEFAULT 1,
    version                       INTEGER NOT NULL DEFAULT 1,
    created_at                    TIMESTAMP NOT NULL,
    updated_at                    TIMESTAMP NOT NULL,
    CONSTRAINT cohorts_dates_check CHECK (end_date >= start_date)
);
CREATE INDEX cohorts_programme_idx ON cohorts (programme_id, start_date, id);
CREATE INDEX cohorts_start_idx ON cohorts (start_date, id);
CREATE INDEX cohorts_status_idx ON cohorts (status, start_date);
CREATE INDEX cohorts_commissioning_idx ON cohorts (commissioning_organisation_id);

CREATE TABLE cohort_priorities (
    cohort_id     UUID NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    priority_code INTEGER NOT NULL REFERENCES priorities (code),
    PRIMARY KEY (cohort_id, priority_code)
);
CREATE INDEX cohort_priorities_priority_idx ON cohort_priorities (priority_code, cohort_id);

CREATE TABLE enrolments (
    id              UUID PRIMARY KEY NOT NULL,
    cohort_id       UUID NOT NULL REFERENCES cohorts (id),
    person_id       UUID NOT NULL REFERENCES people (id),
    -- the person's organisation when they enrolled: whose HR system sees this row
    organisation_id UUID REFERENCES organisations (id),
    status          TEXT NOT NULL CHECK (status IN ('waitlisted', 'enrolled', 'withdrawn', 'completed', 'not_completed', 'cancelled')),
    -- waitlist ticket; positions are counted from it, so they never have gaps
    queue_seq       INTEGER,
    enrolled_at     TIMESTAMP,
    ended_at        TIMESTAMP,
    outcome_date    DATE,
    present_count   INTEGER NOT NULL DEFAULT 0,
    absent_count    INTEGER NOT NULL DEFAULT 0,
    excused_count   INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX enrolments_live_key ON enrolments (cohort_id, person_id) WHERE status IN ('waitlisted', 'enrolled');
CREATE INDEX enrolments_cohort_status_idx ON enrolments (cohort_id, status, queue_seq);
CREATE INDEX enrolments_person_idx ON enrolments (person_id);
CREATE INDEX enrolments_updated_idx ON enrolments (updated_at, id);
CREATE INDEX enrolments_organisation_updated_idx ON enrolments (organisation_id, updated_at, id);

CREATE TABLE cohort_sessions (
    id               UUID PRIMARY KEY NOT NULL,
    cohort_id        UUID NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    title            TEXT NOT NULL,
    starts_at        TIMESTAMP NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX cohort_sessions_cohort_idx ON cohort_sessions (cohort_id, starts_at);

CREATE TABLE attendance (
    session_id   UUID NOT NULL REFERENCES cohort_sessions (id) ON DELETE CASCADE,
    enrolment_id UUID NOT NULL REFERENCES enrolments (id),
    status       TEXT NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    recorded_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, enrolment_id)
);
CREATE INDEX attendance_enrolment_idx ON attendance (enrolment_id);

CREATE TABLE idempotency_keys (
    client_id        UUID NOT NULL,
    key              TEXT NOT NULL,
    -- method, path and body the key was first used with
    request_hash     TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
    response_status  INTEGER,
    response_headers TEXT,
    response_body    BYTEA,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (client_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
