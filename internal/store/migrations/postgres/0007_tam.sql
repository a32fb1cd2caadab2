-- The technical account manager of an organization with elevated support:
-- one of the provider's engineers, who follows its requests.
CREATE TABLE org_tams (
    org_id      BIGINT PRIMARY KEY REFERENCES organizations (id),
    user_id     BIGINT NOT NULL REFERENCES users (id),
    assigned_at BIGINT NOT NULL
);
CREATE INDEX org_tams_user ON org_tams (user_id, org_id);
