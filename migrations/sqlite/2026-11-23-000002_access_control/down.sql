DROP TABLE auth_failures;
DROP TABLE audit_events;
DROP TABLE api_client_scopes;
DROP TABLE api_clients;
DROP TABLE organisations;
