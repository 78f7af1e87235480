-- Issue 12: every consent change and privacy action, appended to one log readable over the API
-- (GET /v1/audit?subject=...). Rows are never rewritten. Erasing a person deletes the entries
-- that describe their consent (they are their personal data); the entries of the privacy request
-- itself stay, as the record that it was carried out.
CREATE TABLE audit_log (
    workspace_id TEXT        NOT NULL,
    seq          BIGSERIAL   NOT NULL,
    id           UUID        NOT NULL,
    at           TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    action       TEXT        NOT NULL,
    profile_id   TEXT,
    subject      TEXT,
    actor        TEXT        NOT NULL,
    details      JSONB       NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (workspace_id, seq)
);
CREATE UNIQUE INDEX audit_log_id ON audit_log (workspace_id, id);
CREATE INDEX audit_log_profile ON audit_log (workspace_id, profile_id, seq DESC) WHERE profile_id IS NOT NULL;
CREATE INDEX audit_log_subject ON audit_log (workspace_id, subject, seq DESC) WHERE subject IS NOT NULL;

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
