-- Commissioning and co-creation: a partner's request for a programme (or a co-creation
-- brief), the cohorts the academy runs for it, the dialogue on it, and the learning needs
-- organisations record per year (the supply-and-demand report reads them).
CREATE TABLE commissioning_requests (
    id                UUID PRIMARY KEY NOT NULL,
    organisation_id   UUID NOT NULL REFERENCES organisations (id),
    -- an existing programme, or NULL for a co-creation brief (then title and needs)
    programme_id      UUID REFERENCES programmes (id),
    title             TEXT,
    needs             TEXT,
    system_level      TEXT,
    expected_learners INTEGER,
    -- a JSON array of staff group names
    staff_groups      TEXT NOT NULL DEFAULT '[]',
    window_from       DATE,
    window_to         DATE,
    delivery_mode     TEXT,
    location          TEXT,
    workplace_context TEXT,
    -- a person of the organisation; NULL once erased (the request stays)
    contact_person_id UUID REFERENCES people (id),
    status            TEXT NOT NULL CHECK (status IN ('submitted', 'in_review', 'agreed', 'declined', 'withdrawn', 'delivered')),
    status_reason     TEXT,
    decided_at        TIMESTAMP,
    submitted_by      UUID NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    CHECK (programme_id IS NOT NULL OR (title IS NOT NULL AND needs IS NOT NULL))
);
CREATE INDEX commissioning_requests_changes_idx ON commissioning_requests (updated_at, id);
CREATE INDEX commissioning_requests_organisation_idx ON commissioning_requests (organisation_id, updated_at, id);
CREATE INDEX commissioning_requests_contact_idx ON commissioning_requests (contact_person_id);

CREATE TABLE commissioning_request_priorities (
    request_id    UUID NOT NULL REFERENCES commissioning_requests (id) ON DELETE CASCADE,
    priority_code INTEGER NOT NULL REFERENCES priorities (code),
    PRIMARY KEY (request_id, priority_code)
);

-- A cohort runs for at most one request.
CREATE TABLE commissioning_request_cohorts (
    cohort_id  UUID PRIMARY KEY NOT NULL REFERENCES cohorts (id),
    request_id UUID NOT NULL REFERENCES commissioning_requests (id) ON DELETE CASCADE,
    linked_at  TIMESTAMP NOT NULL
);
CREATE INDEX commissioning_request_cohorts_request_idx ON commissioning_request_cohorts (request_id);

CREATE TABLE commissioning_messages (
    id                     UUID PRIMARY KEY NOT NULL,
    request_id             UUID NOT NULL REFERENCES commissioning_requests (id) ON DELETE CASCADE,
    author_client_id       UUID NOT NULL,
    -- NULL when the academy wrote it
    author_organisation_id UUID,
    text                   TEXT NOT NULL,
    created_at             TIMESTAMP NOT NULL
);
CREATE INDEX commissioning_messages_request_idx ON commissioning_messages (request_id, created_at, id);

CREATE TABLE learning_needs (
    id              UUID PRIMARY KEY NOT NULL,
    organisation_id UUID NOT NULL REFERENCES organisations (id),
    year            INTEGER NOT NULL,
    priority_code   INTEGER NOT NULL REFERENCES priorities (code),
    system_level    TEXT NOT NULL,
    staff_group     TEXT NOT NULL,
    headcount       INTEGER NOT NULL CHECK (headcount > 0),
    programme_id    UUID REFERENCES programmes (id),
    notes           TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX learning_needs_year_idx ON learning_needs (year, priority_code);
CREATE INDEX learning_needs_changes_idx ON learning_needs (updated_at, id);
CREATE INDEX learning_needs_organisation_idx ON learning_needs (organisation_id, updated_at, id);

ALTER TABLE api_client_scopes DROP CONSTRAINT api_client_scopes_scope_check;
ALTER TABLE api_client_scopes ADD CONSTRAINT api_client_scopes_scope_check CHECK (scope IN (
    'catalogue:write', 'people:read', 'people:write', 'cohorts:write', 'enrolments:read',
    'enrolments:write', 'communities:write', 'memberships:write', 'reports:read', 'webhooks:manage',
    'commissioning:read', 'commissioning:write', 'admin'));
