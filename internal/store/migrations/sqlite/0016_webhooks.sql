-- Webhooks (issue 13): the provider's own integrations, registered by
-- operators. Each endpoint hears of every history event of the kinds it
-- names (none named: all kinds, internal ones included), through the outbox
-- (deliveries with route 'webhook' and this endpoint's id).
--
-- secret is the Standard Webhooks signing key ("whsec_" + base64 of 32
-- random bytes). It is kept as it is, not hashed, because casedesk must
-- sign with it for as long as the endpoint lives; it is shown to the
-- operator only when created or rotated, never listed. Whoever reads this
-- table (or a backup of it) can forge deliveries: protect the database and
-- its backups as the secret's home.
CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY,
    url             TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    events          TEXT    NOT NULL DEFAULT '', -- comma-separated event kinds; empty: all
    secret          TEXT    NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT    NOT NULL DEFAULT '',
    failing_since   INTEGER, -- the first failed attempt since the last success
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

-- One line per try of a webhook delivery: what the endpoint answered, how
-- fast, the start of its body (at most 1 KB, control characters removed),
-- or why no answer came.
CREATE TABLE webhook_attempts (
    id           INTEGER PRIMARY KEY,
    delivery_id  INTEGER NOT NULL,
    endpoint_id  INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    attempted_at INTEGER NOT NULL,
    status_code  INTEGER NOT NULL DEFAULT 0, -- 0: no answer
    latency_ms   INTEGER NOT NULL DEFAULT 0,
    response     TEXT    NOT NULL DEFAULT '',
    error        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, id);
CREATE INDEX deliveries_endpoint ON deliveries (endpoint_id) WHERE endpoint_id IS NOT NULL;
