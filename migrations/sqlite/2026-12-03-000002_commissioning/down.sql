DROP TABLE learning_needs;
DROP TABLE commissioning_messages;
DROP TABLE commissioning_request_cohorts;
DROP TABLE commissioning_request_priorities;
DROP TABLE commissioning_requests;
CREATE TABLE api_client_scopes_old (
    client_id TEXT NOT NULL REFERENCES api_clients (id) ON DELETE CASCADE,
    scope     TEXT NOT NULL CHECK (scope IN ('catalogue:write', 'people:read', 'people:write', 'cohorts:write', 'enrolments:read',
    'enrolments:write', 'communities:write', 'memberships:write', 'reports:read', 'webhooks:manage', 'admin')),
    PRIMARY KEY (client_id, scope)
);
INSERT INTO api_client_scopes_old (client_id, scope) SELECT client_id, scope FROM api_client_scopes WHERE scope NOT IN ('commissioning:read', 'commissioning:write');
DROP TABLE api_client_scopes;
ALTER TABLE api_client_scopes_old RENAME TO api_client_scopes;
