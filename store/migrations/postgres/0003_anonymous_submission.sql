-- Anonymity at the storage level. A submission must write nothing visible
-- that shares anything with the response it stores: on PostgreSQL every row
-- a transaction writes carries that transaction's id (xmin), so marking the
-- invitation used in the submitting transaction would let anyone who can
-- read the database join an email to its answers. So an invitation's being
-- unused is a row of open_invitations, and submitting deletes that row
-- (deleted rows are invisible to queries) instead of updating the
-- invitation. Drafts hang off the open row and go with it (ON DELETE
-- CASCADE), which also means a draft saved concurrently with a submission
-- cannot survive it.

CREATE TABLE open_invitations (
    invitation_id BIGINT PRIMARY KEY REFERENCES invitations (id) ON DELETE CASCADE
);

CREATE TABLE drafts (
    invitation_id BIGINT PRIMARY KEY REFERENCES open_invitations (invitation_id) ON DELETE CASCADE,
    draft         TEXT NOT NULL -- JSON cxm.Draft
);

INSERT INTO open_invitations (invitation_id) SELECT id FROM invitations WHERE NOT used;
INSERT INTO drafts (invitation_id, draft) SELECT id, draft FROM invitations WHERE draft IS NOT NULL AND NOT used;
ALTER TABLE invitations DROP COLUMN used;
ALTER TABLE invitations DROP COLUMN draft;
