-- Sealed invitations (api.md "Sealed invitations and mail"): cxm mails the
-- links itself, and no row and no transaction ever holds an address
-- together with a token or its hash. Addresses live in mail_recipients,
-- token hashes in invitations; the two are written by different
-- transactions and nothing pairs them: the pairing exists only in the memory
-- of the instance that sends the batch (docs/operations.md).

-- A batch is one request's addresses: sealed invitations or a reminder.
-- The instance that holds the lease (lease_owner until lease_until) sends
-- it. minted: the unsent recipients' tokens exist (in the lease holder's
-- memory); orphaned: hashes written for this batch whose tokens were lost
-- (the holder died, or the address failed) and that nobody can use.
CREATE TABLE mail_batches (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    created_at    TIMESTAMP NOT NULL,
    minted        BOOLEAN NOT NULL DEFAULT FALSE,
    orphaned      INTEGER NOT NULL DEFAULT 0,
    lease_owner   TEXT NOT NULL DEFAULT '',
    lease_until   TIMESTAMP,
    done          BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX mail_batches_assessment ON mail_batches (assessment_id);
CREATE INDEX mail_batches_pending ON mail_batches (done, lease_until);

-- One address of a batch; never a token. invited_on is the day of the
-- invitation (a reminder quotes it). Deleted when the assessment closes.
CREATE TABLE mail_recipients (
    id         INTEGER PRIMARY KEY,
    batch_id   INTEGER NOT NULL REFERENCES mail_batches (id) ON DELETE CASCADE,
    address    TEXT NOT NULL,
    invited_on TEXT NOT NULL, -- YYYY-MM-DD
    state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_try   TIMESTAMP,
    error      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_recipients_batch ON mail_recipients (batch_id, state);

-- The addresses of invitations made before this version become a sent
-- batch of their assessment, without their tokens: they get reminders.
-- Ordered by address so that recipient ids say nothing of invitation ids.
INSERT INTO mail_batches (assessment_id, kind, created_at, done)
    SELECT assessment_id, 'invitation', MIN(created_at), TRUE FROM invitations WHERE email <> '' GROUP BY assessment_id;
INSERT INTO mail_recipients (batch_id, address, invited_on, state)
    SELECT b.id, i.email, MIN(substr(i.created_at, 1, 10)), 'sent'
    FROM invitations i JOIN mail_batches b ON b.assessment_id = i.assessment_id
    WHERE i.email <> '' GROUP BY b.id, i.email ORDER BY i.email;
ALTER TABLE invitations DROP COLUMN email;

-- Drafts are sealed with a key derived from the invitation token
-- (store/drafts.go), which only the token's holder has. A draft saved before
-- this version stays readable (legacy) until its respondent saves again.
CREATE TABLE drafts_sealed (
    invitation_id INTEGER PRIMARY KEY REFERENCES open_invitations (invitation_id) ON DELETE CASCADE,
    sealed        BLOB,
    legacy        TEXT
);
INSERT INTO drafts_sealed (invitation_id, legacy) SELECT invitation_id, draft FROM drafts;
DROP TABLE drafts;
ALTER TABLE drafts_sealed RENAME TO drafts;

-- Response ids are random from now on (store/submit.go); the sequential
-- ids of earlier responses, which followed submission order, are replaced.
UPDATE responses SET id = (random() & 9223372036854775807) | 1;
