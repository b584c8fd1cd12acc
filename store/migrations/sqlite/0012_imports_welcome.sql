-- Responses imported from a file (a paper round, another tool): one row per
-- import, the audit line "N responses imported by X at T". It says nothing
-- of which responses came from the file: they are stored like submitted
-- ones, under random ids, without a timestamp (store/imports.go).
CREATE TABLE response_imports (
    id            INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
    imported_by   TEXT NOT NULL, -- the user's e-mail address, kept if the account goes
    imported_at   TIMESTAMP NOT NULL,
    responses     INTEGER NOT NULL
);
CREATE INDEX response_imports_assessment ON response_imports (assessment_id);

-- An assessment's welcome text, shown at the top of the survey's first
-- page: a table of its own so that the respondent's path reads it only
-- where it is shown.
CREATE TABLE assessment_welcome (
    assessment_id INTEGER PRIMARY KEY REFERENCES assessments (id) ON DELETE CASCADE,
    welcome       TEXT NOT NULL
);
