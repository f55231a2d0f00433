-- Webhooks (Standard Webhooks): endpoints registered by clients, a transactional outbox of
-- events (written in the transaction of the change that causes them), one delivery per
-- event and endpoint that may hear it, and every attempt of each delivery.
CREATE TABLE webhook_endpoints (
    id                    TEXT PRIMARY KEY NOT NULL,
    -- whose events it hears: NULL for the academy's clients (every event)
    organisation_id       TEXT REFERENCES organisations (id),
    client_id             TEXT NOT NULL REFERENCES api_clients (id),
    url                   TEXT NOT NULL,
    description           TEXT,
    -- ' type type ' (space-delimited, for LIKE '% type %'); '' = every type it may see
    event_types           TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL CHECK (status IN ('active', 'paused', 'disabled')),
    disabled_reason       TEXT,
    disabled_at           TIMESTAMP,
    -- whsec_ secrets: kept to sign, never returned after creation or rotation
    secret                TEXT NOT NULL,
    previous_secret       TEXT,
    previous_secret_until TIMESTAMP,
    -- the first failure of the current run of failures (NULL after a success)
    failing_since         TIMESTAMP,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);
CREATE INDEX webhook_endpoints_organisation_idx ON webhook_endpoints (organisation_id, created_at, id);

CREATE TABLE webhook_events (
    id              TEXT PRIMARY KEY NOT NULL,
    event_type      TEXT NOT NULL,
    occurred_at     TIMESTAMP NOT NULL,
    -- who may hear it: 'public' every endpoint; 'organisation' the academy's and that
    -- organisation's; 'academy' the academy's only
    audience        TEXT NOT NULL CHECK (audience IN ('public', 'organisation', 'academy')),
    organisation_id TEXT,
    -- the person it is about: their current `external_ref` is added to the payload when it
    -- is sent, so an erased person's is never sent
    person_id       TEXT,
    -- the payload's `data`, as JSON, without the person's reference
    data            TEXT NOT NULL,
    -- whether its deliveries (one per endpoint that may hear it) have been created
    fanned_out      BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX webhook_events_occurred_idx ON webhook_events (occurred_at, id);
CREATE INDEX webhook_events_fan_out_idx ON webhook_events (occurred_at, id) WHERE fanned_out = 0;

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY NOT NULL,
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL REFERENCES webhook_events (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    -- a worker's claim: until then no other worker takes it
    lease_until     TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_status     INTEGER,
    last_error      TEXT,
    delivered_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at, id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
    id               TEXT PRIMARY KEY NOT NULL,
    delivery_id      TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at     TIMESTAMP NOT NULL,
    status_code      INTEGER,
    latency_ms       INTEGER NOT NULL,
    error            TEXT,
    -- at most 1 KiB of the receiver's answer
    response_excerpt TEXT
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, attempted_at);

-- SQLite cannot alter a CHECK: the scopes table (which nothing references) is rebuilt.
CREATE TABLE api_client_scopes_new (
    client_id TEXT NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    scope     TEXT NOT NULL CHECK (scope IN ('catalogue:write', 'people:read', 'people:write', 'cohorts:write', 'enrolments:read',
    'enrolments:write', 'communities:write', 'memberships:write', 'reports:read', 'webhooks:manage', 'admin')),
    PRIMARY KEY (client_id, scope)
);
INSERT INTO api_client_scopes_new (client_id, scope) SELECT client_id, scope FROM api_client_scopes;
DROP TABLE api_client_scopes;
ALTER TABLE api_client_scopes_new RENAME TO api_client_scopes;
