-- The outbox: every mail and webhook call casedesk owes, written in the
-- transaction of the change that causes it and sent afterwards by a worker
-- (desk/outbox.go). A claim moves next_at past a lease, so a delivery whose
-- sender died is tried again once the lease ends; the stable Message-ID or
-- webhook-id derived from the row's id lets the recipient fold such a
-- repeat into the first copy.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    route       TEXT    NOT NULL, -- 'mail' or 'webhook'
    topic       TEXT    NOT NULL, -- casedesk.Topic, or the event kind of a webhook
    status      TEXT    NOT NULL DEFAULT 'pending', -- pending, sent, dead
    org_id      INTEGER REFERENCES organizations (id), -- NULL: concerns no customer
    request_id  INTEGER REFERENCES requests (id),
    event_id    INTEGER,
    recipient   TEXT    NOT NULL, -- mail address or webhook URL
    user_id     INTEGER REFERENCES users (id),
    endpoint_id INTEGER,
    payload     TEXT    NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     INTEGER  NOT NULL,
    created_at  INTEGER  NOT NULL,
    sent_at     INTEGER,
    last_error  TEXT    NOT NULL DEFAULT ''
);
-- The worker's claim reads only this.
CREATE INDEX deliveries_due ON deliveries (next_at) WHERE status = 'pending';
CREATE INDEX deliveries_status ON deliveries (status, id);
CREATE INDEX deliveries_request ON deliveries (request_id) WHERE request_id IS NOT NULL;

-- Notifications now reach customers too (by mail), and name their topic.
ALTER TABLE notifications ADD COLUMN topic TEXT NOT NULL DEFAULT '';

-- A user's switched-off notification topics (all are on by default).
CREATE TABLE notification_optouts (
    user_id INTEGER NOT NULL REFERENCES users (id),
    topic   TEXT   NOT NULL,
    PRIMARY KEY (user_id, topic)
);

-- A request's mail identity: the token of its reply address
-- (support+TOKEN@…), random and unguessable, minted with its first mail, and
-- the Message-ID of the mail that opened it, if one did, so that replies
-- thread under it.
CREATE TABLE request_mail (
    request_id  INTEGER PRIMARY KEY REFERENCES requests (id),
    org_id      INTEGER NOT NULL REFERENCES organizations (id),
    reply_token TEXT   NOT NULL UNIQUE,
    message_id  TEXT   NOT NULL DEFAULT ''
);
