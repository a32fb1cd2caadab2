-- The technical account manager of an organization with elevated support:
-- one of the provider's engineers, who follows its requests.
CREATE TABLE org_tams (
    org_id      INTEGER PRIMARY KEY REFERENCES organizations (id),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    assigned_at INTEGER NOT NULL
);
CREATE INDEX org_tams_user ON org_tams (user_id, org_id);
