-- A partner organisation's client manages its own people's community memberships and
-- attendance with `memberships:write`; `communities:write` is for the academy's clients.
-- SQLite cannot alter a CHECK: the table (which nothing references) is rebuilt.
CREATE TABLE api_client_scopes_new (
    client_id TEXT NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    scope     TEXT NOT NULL CHECK (scope IN ('catalogue:write', 'people:read', 'people:write', 'cohorts:write',
                  'enrolments:read', 'enrolments:write', 'communities:write', 'memberships:write',
                  'reports:read', 'admin')),
    PRIMARY KEY (client_id, scope)
);
INSERT INTO api_client_scopes_new (client_id, scope) SELECT client_id, scope FROM api_client_scopes;
DROP TABLE api_client_scopes;
ALTER TABLE api_client_scopes_new RENAME TO api_client_scopes;
