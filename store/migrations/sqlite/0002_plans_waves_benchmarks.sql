-- Improvement plans with their change history, competency scores kept when
-- an assessment closes (the base of benchmarks), and imported peer scores.

CREATE TABLE plan_steps (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    priority      INTEGER NOT NULL,
    competency    TEXT NOT NULL,
    practice      TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    why           TEXT NOT NULL DEFAULT '',
    target        REAL,
    target_stage  TEXT NOT NULL DEFAULT '',
    owner         TEXT NOT NULL DEFAULT '',
    due           TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    status        TEXT NOT NULL CHECK (status IN ('todo', 'doing', 'done', 'dropped')),
    custom        BOOLEAN NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX plan_steps_assessment ON plan_steps (assessment_id, priority);

-- Who changed what, when. No foreign key to plan_steps: the history of a
-- replaced step stays.
CREATE TABLE plan_changes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    step_id       INTEGER NOT NULL,
    user_email    TEXT NOT NULL,
    changed_at    TIMESTAMP NOT NULL,
    field         TEXT NOT NULL,
    old_value     TEXT NOT NULL,
    new_value     TEXT NOT NULL
);
CREATE INDEX plan_changes_assessment ON plan_changes (assessment_id, id);

-- Competency scores of a closed assessment, written when it closes and
-- removed when it reopens: benchmarks aggregate these, not responses.
CREATE TABLE assessment_scores (
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    competency    TEXT NOT NULL,
    score         REAL NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (assessment_id, competency)
);

-- Peer scores brought from another installation (cxm benchmark import):
-- anonymous, one row per peer assessment.
CREATE TABLE peer_scores (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    framework_id      TEXT NOT NULL,
    framework_version INTEGER NOT NULL,
    industry          TEXT NOT NULL DEFAULT '',
    size              TEXT NOT NULL DEFAULT '',
    scores            TEXT NOT NULL, -- JSON object competency -> score
    imported_at       TIMESTAMP NOT NULL
);
CREATE INDEX peer_scores_framework ON peer_scores (framework_id, framework_version);
