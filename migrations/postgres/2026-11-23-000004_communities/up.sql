-- Communities of Practice: memberships with their history, sessions under the commitment
-- rule, attendance, and the shared repository of resources.
-- Indexes:
--   communities_slug_key                UNIQUE slug                         → lookups by slug
--   communities_seed_key_key            UNIQUE seed_key                     → idempotent seed
--   communities_name_key_idx            (name_key, id)                      → list by name
--   communities_stem_idx                (stem)                              → FK, stem filter
--   community_memberships_live_key      UNIQUE (community_id, person_id) WHERE left_at IS NULL
--   community_memberships_person_idx    (person_id, joined_at)              → a person's memberships
--   community_memberships_community_idx (community_id, left_at)             → members, counts, leadership
--   community_sessions_community_idx    (community_id, starts_at)           → commitment window, feed
--   community_sessions_starts_idx       (starts_at)                         → calendar across communities
--   community_attendance_person_idx     (person_id)                         → a person's commitment
--   community_resources_community_idx   (community_id, added_at)

CREATE TABLE communities (
    id                    UUID PRIMARY KEY NOT NULL,
    slug                  TEXT NOT NULL,
    name                  TEXT NOT NULL,
    name_key              TEXT COLLATE "C" NOT NULL,
    purpose               TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('venus_stem', 'topic')),
    stem                  TEXT REFERENCES venus_stems (slug),
    status                TEXT NOT NULL CHECK (status IN ('forming', 'active', 'closed')),
    join_policy           TEXT NOT NULL CHECK (join_policy IN ('open', 'by_invitation')),
    max_sessions_per_year INTEGER NOT NULL CHECK (max_sessions_per_year BETWEEN 1 AND 52),
    max_session_minutes   INTEGER NOT NULL CHECK (max_session_minutes BETWEEN 15 AND 480),
    seed_key              TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    CONSTRAINT communities_slug_key UNIQUE (slug),
    CONSTRAINT communities_seed_key_key UNIQUE (seed_key)
);
CREATE INDEX communities_name_key_idx ON communities (name_key, id);
CREATE INDEX communities_stem_idx ON communities (stem);

CREATE TABLE community_memberships (
    id           UUID PRIMARY KEY NOT NULL,
    community_id UUID NOT NULL REFERENCES communities (id),
    person_id    UUID NOT NULL REFERENCES people (id),
    role         TEXT NOT NULL CHECK (role IN ('member', 'facilitator', 'ics_lead', 'citizen_representative', 'system_leader')),
    joined_at    TIMESTAMP NOT NULL,
    -- NULL while a member; a rejoin is a new row, so the history stays
    left_at      TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX community_memberships_live_key ON community_memberships (community_id, person_id) WHERE left_at IS NULL;
CREATE INDEX community_memberships_person_idx ON community_memberships (person_id, joined_at);
CREATE INDEX community_memberships_community_idx ON community_memberships (community_id, left_at);

CREATE TABLE community_sessions (
    id               UUID PRIMARY KEY NOT NULL,
    community_id     UUID NOT NULL REFERENCES communities (id),
    title            TEXT NOT NULL,
    starts_at        TIMESTAMP NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    format           TEXT NOT NULL CHECK (format IN ('virtual', 'in_person', 'hybrid')),
    location         TEXT,
    joining_link     TEXT,
    -- a cancelled session stays (its calendar entry becomes CANCELLED) and frees its slot
    cancelled_at     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX community_sessions_community_idx ON community_sessions (community_id, starts_at);
CREATE INDEX community_sessions_starts_idx ON community_sessions (starts_at);

CREATE TABLE community_attendance (
    session_id  UUID NOT NULL REFERENCES community_sessions (id),
    person_id   UUID NOT NULL REFERENCES people (id),
    status      TEXT NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX community_attendance_person_idx ON community_attendance (person_id);

CREATE TABLE community_resources (
    id              UUID PRIMARY KEY NOT NULL,
    community_id    UUID NOT NULL REFERENCES communities (id),
    title           TEXT NOT NULL,
    link            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('case_study', 'tool', 'publication', 'event_recording')),
    -- the API client that added it (ids only: no personal data)
    added_by        UUID,
    added_at        TIMESTAMP NOT NULL
);
CREATE INDEX community_resources_community_idx ON community_resources (community_id, added_at);
