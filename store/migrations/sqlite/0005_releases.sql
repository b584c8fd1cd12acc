-- Releases (scoring.md 4.12): an assessment's figures, computed once when it
-- is closed with at least min_group respondents, and never again. Every view
-- reads its release, nothing computed from the live responses. Assessments
-- closed before this migration get theirs from a Go step run after it
-- (server.MakeReleases): SQL cannot score.
CREATE TABLE releases (
    assessment_id     INTEGER PRIMARY KEY REFERENCES assessments (id) ON DELETE CASCADE,
    made_at           TIMESTAMP NOT NULL,
    k                 INTEGER NOT NULL,
    framework_version INTEGER NOT NULL,
    respondents       INTEGER NOT NULL,
    result            TEXT NOT NULL -- JSON score.Result, every attribute broken down
);

-- Participation counters, kept by the transactions that add responses and
-- invitations, so that no read counts rows: per assessment, the row of
-- attribute '' and value '' holds the totals (responses, invited), and one
-- row per attribute value its responses (a blank value is not counted).
-- Several shards per counter (summed on read) spread concurrent
-- submissions over several rows on PostgreSQL, so they do not queue on one
-- hot row; SQLite has one writer and does not need them.
CREATE TABLE participation_counts (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    attribute     TEXT NOT NULL,
    value         TEXT NOT NULL,
    shard         INTEGER NOT NULL,
    responses     INTEGER NOT NULL DEFAULT 0,
    invited       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (assessment_id, attribute, value, shard)
);

INSERT INTO participation_counts (assessment_id, attribute, value, shard, responses, invited)
SELECT a.id, '', '', 0,
       (SELECT COUNT(*) FROM responses r WHERE r.assessment_id = a.id),
       (SELECT COUNT(*) FROM invitations i WHERE i.assessment_id = a.id)
FROM assessments a;

INSERT INTO participation_counts (assessment_id, attribute, value, shard, responses, invited)
SELECT r.assessment_id, j.key, j.value, 0, COUNT(*), 0
FROM responses r, json_each(r.attributes) j
WHERE j.value <> '' AND j.key <> ''
GROUP BY r.assessment_id, j.key, j.value;
