DELETE FROM api_client_scopes WHERE scope = 'memberships:write';
ALTER TABLE api_client_scopes DROP CONSTRAINT api_client_scopes_scope_check;
ALTER TABLE api_client_scopes ADD CONSTRAINT api_client_scopes_scope_check CHECK (scope IN (
    'catalogue:write', 'people:read', 'people:write', 'cohorts:write', 'enrolments:read',
    'enrolments:write', 'communities:write', 'reports:read', 'admin'));
