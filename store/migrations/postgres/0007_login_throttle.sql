-- Login throttling as one counter per key (an account and a client, a
-- client, an account), checked and charged in one transaction before any
-- password is hashed (store/throttle.go). It replaces the list of failures,
-- which was read before it was written.
DROP TABLE login_failures;
CREATE TABLE login_throttle (
    throttle_key TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    not_before   TIMESTAMPTZ NOT NULL, -- no attempt under this key before then
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_throttle_updated ON login_throttle (updated_at);
