-- Customer portal: satisfaction surveys, callback requests, password-reset
-- links and the provider's support phone directory.
CREATE TABLE surveys (
    request_id INTEGER PRIMARY KEY REFERENCES requests (id),
    org_id     INTEGER NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment    TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX surveys_org ON surveys (org_id, request_id);

CREATE TABLE callbacks (
    id             INTEGER PRIMARY KEY,
    request_id     INTEGER NOT NULL REFERENCES requests (id),
    org_id         INTEGER NOT NULL,
    user_id        INTEGER NOT NULL REFERENCES users (id),
    phone          TEXT    NOT NULL,
    preferred_time TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,
    done_at        INTEGER
);
CREATE INDEX callbacks_request ON callbacks (request_id, id);
CREATE INDEX callbacks_pending ON callbacks (created_at) WHERE done_at IS NULL;

-- Only a SHA-256 of the link's secret is kept.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    hash       TEXT    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX password_resets_user ON password_resets (user_id, id);

-- The phone directory the provider configures: country '' and language ''
-- match everyone; purpose 'trial' is the free-trial line.
CREATE TABLE support_phones (
    id       INTEGER PRIMARY KEY,
    country  TEXT    NOT NULL DEFAULT '',
    language TEXT    NOT NULL DEFAULT '',
    purpose  TEXT    NOT NULL CHECK (purpose IN ('support', 'trial')),
    number   TEXT    NOT NULL,
    hours    TEXT    NOT NULL CHECK (hours IN ('24x7', 'business')),
    position INTEGER NOT NULL DEFAULT 0
);

INSERT INTO support_phones (country, language, purpose, number, hours, position) VALUES
    ('US', '', 'support', '+1 800 555 0199', '24x7', 1),
    ('GB', '', 'support', '+44 800 555 0199', '24x7', 1),
    ('DE', '', 'support', '+49 800 555 0199', '24x7', 1),
    ('DE', 'de', 'support', '+49 800 555 0198', 'business', 2),
    ('JP', '', 'support', '+81 120 555 019', '24x7', 1),
    ('CN', '', 'support', '+86 400 555 0199', '24x7', 1),
    ('CN', 'zh-CN', 'support', '+86 400 555 0198', 'business', 2),
    ('', '', 'support', '+1 425 555 0100', '24x7', 9),
    ('', '', 'trial', '+1 800 555 0142', 'business', 1),
    ('CN', '', 'trial', '+86 400 555 0142', 'business', 0);
