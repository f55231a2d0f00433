DROP TABLE community_resources;
DROP TABLE community_attendance;
DROP TABLE community_sessions;
DROP TABLE community_memberships;
DROP TABLE communities;
