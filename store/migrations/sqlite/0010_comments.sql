-- Open comments (issue 8): an assessment may ask one open question, and a
-- respondent's answer to it is a comment.
--
-- A comment is stored apart from the response: no response id, no
-- attributes, no invitation, no time, and a random id. Comments are
-- written k at a time, shuffled, in transactions of their own
-- (server/comments.go), never just after their response. When the release
-- is made (scoring.md 4.12) the comments are taken into it, shuffled, and
-- deleted from this table in the same transaction.
CREATE TABLE open_questions (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments (id) ON DELETE CASCADE,
    question      TEXT NOT NULL
);

CREATE TABLE comments (
    id            INTEGER PRIMARY KEY, -- random (store.randomID), never a sequence
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    comment       TEXT NOT NULL
);
CREATE INDEX comments_assessment ON comments (assessment_id);

-- The comments of a release, in the order they are shown (shuffled once,
-- when the release was made): JSON {"question", "k", "withheld", "texts"};
-- '' for a release without an open question or made before this migration.
ALTER TABLE releases ADD COLUMN comments TEXT NOT NULL DEFAULT '';
