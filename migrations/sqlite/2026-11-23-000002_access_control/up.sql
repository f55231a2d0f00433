-- SQLite twin of migrations/postgres (UUIDs as TEXT; TEXT compares byte-wise by default).
-- Access control: partner organisations, API clients and their scopes, the audit log and
-- the counters that throttle failed token requests (shared by every API process).
-- Indexes:
--   organisations_name_key_key     UNIQUE lower(name)       → no duplicate partners; list sorted by name
--   organisations_ods_code_key     UNIQUE ods_code          → ODS lookups
--   api_clients_organisation_idx   (organisation_id)        → FK
--   audit_events_occurred_idx      (occurred_at, id)        → list newest first, since/until
--   audit_events_client_idx        (client_id, occurred_at) → filter by client
--   audit_events_organisation_idx  (organisation_id, occurred_at) → filter by organisation
--   audit_events_resource_idx      (resource_type, resource_id)   → history of one resource

CREATE TABLE organisations (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('nhs_trust', 'integrated_care_board', 'local_authority', 'primary_care',
                    'care_home', 'independent_provider', 'third_sector', 'education', 'other')),
    ods_code    TEXT,
    status      TEXT NOT NULL CHECK (status IN ('active', 'inactive')),
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CONSTRAINT organisations_name_key_key UNIQUE (name_key),
    CONSTRAINT organisations_ods_code_key UNIQUE (ods_code)
);
CREATE INDEX organisations_name_key_id_idx ON organisations (name_key, id);

CREATE TABLE api_clients (
    id                TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    organisation_id   TEXT REFERENCES organisations (id),
    -- argon2id PHC string; the secret itself is never stored
    secret_hash       TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
    -- carried by every token as `gen`; bumped by revocation and secret rotation, so older
    -- tokens stop working
    token_generation  INTEGER NOT NULL DEFAULT 1,
    last_token_at     TIMESTAMP,
    version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX api_clients_organisation_idx ON api_clients (organisation_id);

CREATE TABLE api_client_scopes (
    client_id TEXT NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    scope     TEXT NOT NULL CHECK (scope IN ('catalogue:write', 'people:read', 'people:write', 'cohorts:write',
                  'enrolments:read', 'enrolments:write', 'communities:write', 'reports:read', 'admin')),
    PRIMARY KEY (client_id, scope)
);

-- No foreign keys: the log outlives what it mentions, and failed attempts name unknown ids.
CREATE TABLE audit_events (
    id              TEXT PRIMARY KEY NOT NULL,
    occurred_at     TIMESTAMP NOT NULL,
    client_id       TEXT,
    organisation_id TEXT,
    action          TEXT NOT NULL,
    resource_type   TEXT NOT NULL,
    resource_id     TEXT,
    request_id      TEXT NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    status          INTEGER NOT NULL
);
CREATE INDEX audit_events_occurred_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_client_idx ON audit_events (client_id, occurred_at);
CREATE INDEX audit_events_organisation_idx ON audit_events (organisation_id, occurred_at);
CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id);

CREATE TABLE auth_failures (
    -- 'client:<id>' or 'ip:<address>'
    key               TEXT PRIMARY KEY NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    failures          INTEGER NOT NULL
);
