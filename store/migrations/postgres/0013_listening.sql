-- The listening pillar (issue 9, listening.md §1–3): journeys, feedback
-- records and the additive totals every figure is computed from
-- (store/listening.go). Every primary and unique key leads with
-- journey_id, so the tables can be distributed by journey (Citus-ready:
-- journey_id is the distribution column; every statement names it).

-- A journey file, every version kept as uploaded.
CREATE TABLE journeys (
    journey_id TEXT NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    source     BYTEA NOT NULL, -- the YAML as uploaded
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (journey_id, version)
);

-- One feedback record (§2); re-sending (source, record_id) replaces it.
-- Not given is NULL; compound is NULL when the record came without a
-- comment (it stays when a retention period blanks the comment, so the
-- totals still agree). day is the local date of at in the journey's time
-- zone when stored: the day its totals are kept under.
CREATE TABLE records (
    journey_id TEXT NOT NULL,
    source     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    day        TEXT NOT NULL,
    customer   TEXT NOT NULL DEFAULT '',
    employee   TEXT NOT NULL DEFAULT '',
    stage      TEXT NOT NULL DEFAULT '', -- '' is "no stage"
    nps        INTEGER,
    csat       INTEGER,
    ces        INTEGER,
    comment    TEXT NOT NULL DEFAULT '',
    compound   DOUBLE PRECISION,
    measures   TEXT NOT NULL DEFAULT '{}', -- JSON object, name → number
    attributes TEXT NOT NULL DEFAULT '{}', -- JSON object, name → value
    event      TEXT NOT NULL DEFAULT '',
    value      DOUBLE PRECISION,
    PRIMARY KEY (journey_id, source, record_id)
);
CREATE INDEX records_customer ON records (journey_id, customer);
CREATE INDEX records_at ON records (journey_id, at);

-- listen.Totals per journey, stage, source, local day and attribute value
-- (attribute '' and value '': the unbroken totals), kept in the
-- transaction that stores, replaces or erases records. The primary key
-- serves a summary: journey, then stage, source and day ranges.
CREATE TABLE listen_totals (
    journey_id TEXT NOT NULL,
    stage      TEXT NOT NULL,
    source     TEXT NOT NULL,
    day        TEXT NOT NULL,
    attribute  TEXT NOT NULL,
    value      TEXT NOT NULL,
    records BIGINT NOT NULL DEFAULT 0,
    nps_0 BIGINT NOT NULL DEFAULT 0,
    nps_1 BIGINT NOT NULL DEFAULT 0,
    nps_2 BIGINT NOT NULL DEFAULT 0,
    nps_3 BIGINT NOT NULL DEFAULT 0,
    nps_4 BIGINT NOT NULL DEFAULT 0,
    nps_5 BIGINT NOT NULL DEFAULT 0,
    nps_6 BIGINT NOT NULL DEFAULT 0,
    nps_7 BIGINT NOT NULL DEFAULT 0,
    nps_8 BIGINT NOT NULL DEFAULT 0,
    nps_9 BIGINT NOT NULL DEFAULT 0,
    nps_10 BIGINT NOT NULL DEFAULT 0,
    csat_n BIGINT NOT NULL DEFAULT 0,
    csat_top BIGINT NOT NULL DEFAULT 0,
    csat_sum BIGINT NOT NULL DEFAULT 0,
    csat_sq BIGINT NOT NULL DEFAULT 0,
    csat_0 BIGINT NOT NULL DEFAULT 0,
    csat_1 BIGINT NOT NULL DEFAULT 0,
    csat_2 BIGINT NOT NULL DEFAULT 0,
    csat_3 BIGINT NOT NULL DEFAULT 0,
    csat_4 BIGINT NOT NULL DEFAULT 0,
    csat_5 BIGINT NOT NULL DEFAULT 0,
    csat_6 BIGINT NOT NULL DEFAULT 0,
    csat_7 BIGINT NOT NULL DEFAULT 0,
    csat_8 BIGINT NOT NULL DEFAULT 0,
    csat_9 BIGINT NOT NULL DEFAULT 0,
    csat_10 BIGINT NOT NULL DEFAULT 0,
    ces_n BIGINT NOT NULL DEFAULT 0,
    ces_top BIGINT NOT NULL DEFAULT 0,
    ces_sum BIGINT NOT NULL DEFAULT 0,
    ces_sq BIGINT NOT NULL DEFAULT 0,
    ces_0 BIGINT NOT NULL DEFAULT 0,
    ces_1 BIGINT NOT NULL DEFAULT 0,
    ces_2 BIGINT NOT NULL DEFAULT 0,
    ces_3 BIGINT NOT NULL DEFAULT 0,
    ces_4 BIGINT NOT NULL DEFAULT 0,
    ces_5 BIGINT NOT NULL DEFAULT 0,
    ces_6 BIGINT NOT NULL DEFAULT 0,
    ces_7 BIGINT NOT NULL DEFAULT 0,
    ces_8 BIGINT NOT NULL DEFAULT 0,
    ces_9 BIGINT NOT NULL DEFAULT 0,
    ces_10 BIGINT NOT NULL DEFAULT 0,
    positive BIGINT NOT NULL DEFAULT 0,
    neutral BIGINT NOT NULL DEFAULT 0,
    negative BIGINT NOT NULL DEFAULT 0,
    compound BIGINT NOT NULL DEFAULT 0,
    compound_sq BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (journey_id, attribute, value, stage, source, day)
);
-- A summary over a period without stage or source filters.
CREATE INDEX listen_totals_day ON listen_totals (journey_id, attribute, value, day);
