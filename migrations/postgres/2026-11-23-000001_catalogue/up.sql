-- The catalogue: reference data (Leeds workforce priorities, Venus stems) and programmes.
-- Enumerated columns are TEXT with CHECK constraints listing the domain's values.
-- Indexes (every foreign key and every list filter has one):
--   programmes_slug_key                      UNIQUE slug            → GET /programmes/{slug}
--   programmes_status_title_key_id_idx       (status, title_key, id) → default list + sort=title keyset
--   programmes_status_updated_at_id_idx      (status, updated_at, id) → sort=updated_at keyset, updated_since
--   programmes_status_created_at_id_idx      (status, created_at, id) → sort=created_at keyset
--   programmes_theme_level_idx               (theme, level)          → theme / level filters
--   programmes_delivery_mode_idx, programmes_availability_idx         → those filters
--   programme_stems_stem_idx                 (stem, programme_id)    → stem filter and facet
--   programme_priorities_priority_idx        (priority_code, programme_id) → priority filter, facet, counts

CREATE TABLE priorities (
    code        INTEGER PRIMARY KEY CHECK (code BETWEEN 1 AND 7),
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    description TEXT NOT NULL
);

CREATE TABLE venus_stems (
    slug        TEXT PRIMARY KEY NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL
);

CREATE TABLE programmes (
    id               UUID PRIMARY KEY NOT NULL,
    slug             TEXT NOT NULL,
    title            TEXT NOT NULL,
    -- lower(title), compared byte-wise on both backends so sorting and keyset cursors agree
    title_key        TEXT COLLATE "C" NOT NULL,
    theme            TEXT NOT NULL CHECK (theme IN ('leadership', 'facilitation', 'best_practice')),
    level            TEXT NOT NULL CHECK (level IN ('macro', 'meso', 'micro')),
    what             TEXT NOT NULL,
    how              TEXT,
    who              TEXT,
    when_text        TEXT,
    duration_min     INTEGER,
    duration_max     INTEGER,
    duration_unit    TEXT CHECK (duration_unit IN ('hours', 'days', 'weeks', 'months', 'years')),
    duration_cadence TEXT,
    delivery_mode    TEXT NOT NULL CHECK (delivery_mode IN ('online', 'face_to_face', 'blended', 'residential')),
    availability     TEXT NOT NULL CHECK (availability IN ('on_demand', 'commissioned', 'scheduled')),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
    -- lower-cased title, what and who, searched by `q`
    search_text      TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- digest of the seed entry this row was last written from; NULL once an operator edits it
    seed_digest      TEXT,
    -- the seed entry this row came from (its slug in the seed file; stable when the row's slug changes)
    seed_key         TEXT,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    CONSTRAINT programmes_slug_key UNIQUE (slug),
    CONSTRAINT programmes_seed_key_key UNIQUE (seed_key)
);
CREATE INDEX programmes_status_title_key_id_idx ON programmes (status, title_key, id);
CREATE INDEX programmes_status_updated_at_id_idx ON programmes (status, updated_at, id);
CREATE INDEX programmes_status_created_at_id_idx ON programmes (status, created_at, id);
CREATE INDEX programmes_theme_level_idx ON programmes (theme, level);
CREATE INDEX programmes_delivery_mode_idx ON programmes (delivery_mode);
CREATE INDEX programmes_availability_idx ON programmes (availability);

CREATE TABLE programme_stems (
    programme_id UUID NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    stem         TEXT NOT NULL REFERENCES venus_stems (slug),
    PRIMARY KEY (programme_id, stem)
);
CREATE INDEX programme_stems_stem_idx ON programme_stems (stem, programme_id);

CREATE TABLE programme_priorities (
    programme_id  UUID NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    priority_code INTEGER NOT NULL REFERENCES priorities (code),
    PRIMARY KEY (programme_id, priority_code)
);
CREATE INDEX programme_priorities_priority_idx ON programme_priorities (priority_code, programme_id);

-- Every seed entry ever written: a seeded programme an operator deleted is not brought back.
CREATE TABLE seed_log (
    seed_key        TEXT PRIMARY KEY NOT NULL,
    first_seeded_at TIMESTAMP NOT NULL
);

CREATE TABLE programme_partners (
    programme_id UUID NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL CHECK (position >= 0),
    name         TEXT NOT NULL,
    PRIMARY KEY (programme_id, position)
);
