-- Things can be edited (issue 8, point 4): an assessment can be archived
-- (it leaves the default list and stays readable), a user deactivated (no
-- login, no session, no API token until reactivated), and an admin can make
-- a one-time password reset link, of which only the hash is stored.

ALTER TABLE assessments ADD COLUMN archived_at TIMESTAMPTZ;

ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ;

CREATE TABLE password_resets (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);
CREATE INDEX password_resets_expires ON password_resets (expires_at);
