DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_events;
DROP TABLE webhook_endpoints;
CREATE TABLE api_client_scopes_old (
    client_id TEXT NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    scope     TEXT NOT NULL CHECK (scope IN ('catalogue:write', 'people:read', 'people:write', 'cohorts:write', 'enrolments:read',
    'enrolments:write', 'communities:write', 'memberships:write', 'reports:read', 'admin')),
    PRIMARY KEY (client_id, scope)
);
INSERT INTO api_client_scopes_old (client_id, scope) SELECT client_id, scope FROM api_client_scopes WHERE scope <> 'webhooks:manage';
DROP TABLE api_client_scopes;
ALTER TABLE api_client_scopes_old RENAME TO api_client_scopes;
