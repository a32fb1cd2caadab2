-- casedesk schema, SQLite. Times are INTEGER microseconds since the epoch.
CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('provider', 'customer', 'partner')),
    name        TEXT    NOT NULL,
    country     TEXT    NOT NULL DEFAULT '',
    time_zone   TEXT    NOT NULL DEFAULT 'UTC',
    language    TEXT    NOT NULL DEFAULT 'en',
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY,
    org_id               INTEGER NOT NULL REFERENCES organizations (id),
    email                TEXT    NOT NULL UNIQUE,
    name                 TEXT    NOT NULL,
    role                 TEXT    NOT NULL,
    language             TEXT    NOT NULL DEFAULT 'en',
    time_zone            TEXT    NOT NULL DEFAULT 'UTC',
    phone                TEXT    NOT NULL DEFAULT '',
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    password_hash        TEXT    NOT NULL DEFAULT '',
    languages            TEXT    NOT NULL DEFAULT '',
    regions              TEXT    NOT NULL DEFAULT '',
    skills               TEXT    NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL
);
CREATE INDEX users_org ON users (org_id, id);

CREATE TABLE plans (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    family     TEXT    NOT NULL,
    standalone BOOLEAN NOT NULL DEFAULT FALSE,
    add_on     BOOLEAN NOT NULL DEFAULT FALSE,
    active     BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE products (
    id     INTEGER PRIMARY KEY,
    code   TEXT    NOT NULL UNIQUE,
    name   TEXT    NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE subscriptions (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    plan_id    INTEGER NOT NULL REFERENCES plans (id),
    trial      BOOLEAN NOT NULL DEFAULT FALSE,
    seats      INTEGER NOT NULL DEFAULT 0,
    starts_at  INTEGER NOT NULL,
    renews_at  INTEGER,
    status     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX subscriptions_org ON subscriptions (org_id, id);

CREATE TABLE partner_grants (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES organizations (id),
    partner_id  INTEGER NOT NULL REFERENCES organizations (id),
    granted_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked_at  INTEGER,
    revoked_by  INTEGER
);
CREATE INDEX partner_grants_customer ON partner_grants (customer_id, id);
CREATE INDEX partner_grants_partner ON partner_grants (partner_id, id);

CREATE TABLE requests (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organizations (id),
    requester_id        INTEGER REFERENCES users (id),
    opened_by_id        INTEGER REFERENCES users (id),
    on_behalf_of_org_id INTEGER REFERENCES organizations (id),
    category            TEXT    NOT NULL,
    product             TEXT    NOT NULL DEFAULT '',
    title               TEXT    NOT NULL,
    description         TEXT    NOT NULL,
    impact              TEXT    NOT NULL DEFAULT '{}',
    severity            TEXT    NOT NULL DEFAULT '',
    status              TEXT    NOT NULL,
    language            TEXT    NOT NULL,
    contact_method      TEXT    NOT NULL,
    phone               TEXT    NOT NULL DEFAULT '',
    channel             TEXT    NOT NULL,
    assignee_id         INTEGER REFERENCES users (id),
    linked_id           INTEGER REFERENCES requests (id),
    prospect_name       TEXT    NOT NULL DEFAULT '',
    prospect_email      TEXT    NOT NULL DEFAULT '',
    prospect_company    TEXT    NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    resolved_at         INTEGER,
    closed_at           INTEGER
);
-- An organization's requests newest first, and its open ones alone: the
-- portal's and the API's first page is one index range scan.
CREATE INDEX requests_org ON requests (org_id, id);
CREATE INDEX requests_org_active ON requests (org_id, id) WHERE status IN ('new', 'open', 'waiting');
CREATE INDEX requests_status ON requests (status, id);
CREATE INDEX requests_assignee ON requests (assignee_id, id) WHERE assignee_id IS NOT NULL;

CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    request_id          INTEGER NOT NULL REFERENCES requests (id),
    author_id           INTEGER REFERENCES users (id),
    on_behalf_of_org_id INTEGER,
    body                TEXT    NOT NULL,
    internal            BOOLEAN NOT NULL DEFAULT FALSE,
    kind                TEXT    NOT NULL DEFAULT 'message',
    created_at          INTEGER NOT NULL
);
CREATE INDEX messages_request ON messages (request_id, id);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests (id),
    message_id   INTEGER REFERENCES messages (id),
    uploader_id  INTEGER,
    name         TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT    NOT NULL,
    internal     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_request ON attachments (request_id, id);

CREATE TABLE events (
    id                  INTEGER PRIMARY KEY,
    request_id          INTEGER NOT NULL REFERENCES requests (id),
    org_id              INTEGER NOT NULL,
    actor_id            INTEGER,
    on_behalf_of_org_id INTEGER,
    kind                TEXT    NOT NULL,
    field               TEXT    NOT NULL DEFAULT '',
    old_value           TEXT    NOT NULL DEFAULT '',
    new_value           TEXT    NOT NULL DEFAULT '',
    internal            BOOLEAN NOT NULL DEFAULT FALSE,
    at                  INTEGER NOT NULL
);
CREATE INDEX events_request ON events (request_id, id);
CREATE INDEX events_org ON events (org_id, id);

-- Sessions and API tokens: only a SHA-256 of the secret is kept.
CREATE TABLE tokens (
    id           INTEGER PRIMARY KEY,
    hash         TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT    NOT NULL CHECK (kind IN ('session', 'api')),
    name         TEXT    NOT NULL DEFAULT '',
    csrf         TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX tokens_user ON tokens (user_id, id);

CREATE TABLE idempotency_keys (
    user_id     INTEGER NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    request_id  INTEGER NOT NULL REFERENCES requests (id),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY,
    key TEXT    NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, at);
