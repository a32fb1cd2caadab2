-- Idempotency keys are for every create a retry could duplicate, not only
-- requests (desk/idempotency.go): a key belongs to its user and to one kind of
-- operation ('request', 'message', 'attachment', 'organization',
-- 'subscription'), and names the resource the
-- first call made, whose table the kind tells.
CREATE TABLE idempotency_keys_new (
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    key         TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    resource_id INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind, key)
);
INSERT INTO idempotency_keys_new (user_id, kind, key, fingerprint, resource_id, created_at)
    SELECT user_id, 'request', key, fingerprint, request_id, created_at FROM idempotency_keys;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
