-- A partner organisation's client manages its own people's community memberships and
-- attendance with `memberships:write`; `communities:write` is for the academy's clients.
ALTER TABLE api_client_scopes DROP CONSTRAINT api_client_scopes_scope_check;
ALTER TABLE api_client_scopes ADD CONSTRAINT api_client_scopes_scope_check CHECK (scope IN (
    'catalogue:write', 'people:read', 'people:write', 'cohorts:write', 'enrolments:read',
    'enrolments:write', 'communities:write', 'memberships:write', 'reports:read', 'admin'));
