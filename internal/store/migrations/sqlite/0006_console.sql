-- Agent console: canned responses, saved queue filters, the outcome of a
-- request answered as out of scope, and escalations to the second tier.
CREATE TABLE canned_responses (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    language   TEXT    NOT NULL DEFAULT 'en',
    body       TEXT    NOT NULL, -- Markdown with {{placeholders}}
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    UNIQUE (name, language)
);

CREATE TABLE saved_filters (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    name       TEXT    NOT NULL,
    view       TEXT    NOT NULL,
    category   TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name)
);

-- One row per request closed with an outcome other than a fix: reported on
-- its own (out of scope: customer network, third party, scripts).
CREATE TABLE request_outcomes (
    request_id INTEGER PRIMARY KEY REFERENCES requests (id),
    org_id     INTEGER NOT NULL,
    outcome    TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    actor_id   INTEGER NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX request_outcomes_at ON request_outcomes (outcome, at);

-- The support tier working a request: absent is tier 1.
CREATE TABLE request_tiers (
    request_id INTEGER PRIMARY KEY REFERENCES requests (id),
    org_id     INTEGER NOT NULL,
    tier       INTEGER NOT NULL CHECK (tier IN (1, 2)),
    updated_at INTEGER NOT NULL
);
