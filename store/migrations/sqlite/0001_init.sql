-- cxm schema, SQLite. Times are TIMESTAMP text written by the driver in UTC
-- ("2006-01-02 15:04:05.999999-07:00"), which sorts and compares correctly
-- as text. Booleans are 0/1.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE, -- stored lowercased
    role          TEXT NOT NULL CHECK (role IN ('admin', 'facilitator', 'viewer')),
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE setup_tokens (
    token_hash BLOB PRIMARY KEY,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE login_failures (
    id           INTEGER PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    failed_at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (throttle_key, failed_at);
CREATE INDEX login_failures_at ON login_failures (failed_at);

CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    industry   TEXT NOT NULL DEFAULT '',
    size       TEXT NOT NULL DEFAULT '',
    is_default BOOLEAN, -- TRUE only on the one DefaultOrganization created
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organizations_one_default ON organizations (is_default) WHERE is_default;

CREATE TABLE frameworks (
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    source     BLOB NOT NULL,
    builtin    BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE assessments (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id   INTEGER NOT NULL REFERENCES organizations (id),
    name              TEXT NOT NULL,
    framework_id      TEXT NOT NULL,
    framework_version INTEGER NOT NULL,
    attributes        TEXT NOT NULL, -- JSON: [{"name","values"}]
    min_group         INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    previous_id       INTEGER REFERENCES assessments (id),
    created_at        TIMESTAMP NOT NULL,
    closed_at         TIMESTAMP,
    FOREIGN KEY (framework_id, framework_version) REFERENCES frameworks (id, version)
);
CREATE INDEX assessments_organization ON assessments (organization_id);
CREATE INDEX assessments_previous ON assessments (previous_id);

-- An invitation holds its respondent's draft until submission; submitting
-- clears the draft and marks the invitation used in the same transaction.
CREATE TABLE invitations (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    token_hash    BLOB NOT NULL UNIQUE,
    email         TEXT NOT NULL DEFAULT '',
    used          BOOLEAN NOT NULL DEFAULT FALSE,
    draft         TEXT, -- JSON cxm.Draft, NULL when none
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX invitations_assessment ON invitations (assessment_id);

-- ANONYMITY: responses carry nothing that links them to an invitation or a
-- moment: no invitation id, no email, no timestamp. store's tests fail when a
-- column is added here.
CREATE TABLE responses (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    attributes    TEXT NOT NULL, -- JSON object name -> value
    answers       TEXT NOT NULL  -- comma-separated integers in item order, empty = no answer
);
CREATE INDEX responses_assessment ON responses (assessment_id);
