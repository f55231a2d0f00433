DROP TABLE learning_needs;
DROP TABLE commissioning_messages;
DROP TABLE commissioning_request_cohorts;
DROP TABLE commissioning_request_priorities;
DROP TABLE commissioning_requests;
DELETE FROM api_client_scopes WHERE scope IN ('commissioning:read', 'commissioning:write');
ALTER TABLE api_client_scopes DROP CONSTRAINT api_client_scopes_scope_check;
ALTER TABLE api_client_scopes ADD CONSTRAINT api_client_scopes_scope_check CHECK (scope IN (
    'catalogue:write', 'people:read', 'people:write', 'cohorts:write', 'enrolments:read',
    'enrolments:write', 'communities:write', 'memberships:write', 'reports:read', 'webhooks:manage', 'admin'));
