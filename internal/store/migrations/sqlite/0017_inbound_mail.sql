-- Inbound mail (issue 13): the mailboxes casedesk watches over IMAP, where
-- each stands, and a log line per message it took from them.

-- A mailbox the operator configured. The password is kept to log in and is
-- never returned by the API or logged. role 'support' takes customers'
-- requests and replies; 'presales' turns unknown senders' mail into
-- pre-sales requests.
CREATE TABLE mailboxes (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    host       TEXT    NOT NULL,
    port       INTEGER NOT NULL,
    tls        TEXT    NOT NULL DEFAULT 'implicit', -- implicit, starttls, none
    username   TEXT    NOT NULL,
    password   TEXT    NOT NULL DEFAULT '',
    folder     TEXT    NOT NULL DEFAULT 'INBOX',
    role       TEXT    NOT NULL DEFAULT 'support', -- support, presales
    address    TEXT    NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Where the watcher stands in a mailbox's folder: UIDs up to last_uid of
-- this uidvalidity are done. Moved in the transaction that records each
-- message, so a restart resumes after the last recorded one.
CREATE TABLE mailbox_state (
    mailbox_id  INTEGER PRIMARY KEY REFERENCES mailboxes (id) ON DELETE CASCADE,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL
);

-- One line per message taken from a mailbox. The unique key is the claim:
-- the transaction that handles a message inserts its line first, with the
-- request or message it creates, so of two instances fetching the same UID
-- one commits and the other finds the line taken and skips the message.
-- outcome: request, message, refused, ignored_loop, bounce, quarantined,
-- duplicate. raw_sha256 names the raw message in the blob store.
CREATE TABLE inbound_mails (
    id          INTEGER PRIMARY KEY,
    mailbox_id  INTEGER REFERENCES mailboxes (id) ON DELETE SET NULL,
    uidvalidity INTEGER NOT NULL,
    uid         INTEGER NOT NULL,
    message_id  TEXT    NOT NULL DEFAULT '',
    sender      TEXT    NOT NULL DEFAULT '',
    subject     TEXT    NOT NULL DEFAULT '',
    outcome     TEXT    NOT NULL DEFAULT '',
    reason      TEXT    NOT NULL DEFAULT '',
    answered    BOOLEAN NOT NULL DEFAULT FALSE, -- we queued a reply to the sender
    org_id      INTEGER REFERENCES organizations (id),
    request_id  INTEGER REFERENCES requests (id),
    raw_sha256  TEXT    NOT NULL DEFAULT '',
    size        INTEGER NOT NULL DEFAULT 0,
    received_at INTEGER NOT NULL,
    UNIQUE (mailbox_id, uidvalidity, uid)
);
CREATE INDEX inbound_mails_outcome ON inbound_mails (outcome, id);
CREATE INDEX inbound_mails_sender ON inbound_mails (sender, received_at);
CREATE INDEX inbound_mails_message_id ON inbound_mails (message_id);

-- Mail to a user that bounced (a delivery status notification), shown to
-- agents beside the customer's name.
CREATE TABLE mail_bounces (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    address    TEXT    NOT NULL,
    status     TEXT    NOT NULL DEFAULT '',
    diagnostic TEXT    NOT NULL DEFAULT '',
    message_id TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX mail_bounces_user ON mail_bounces (user_id, id);

-- Replies thread under the Message-ID of the mail that opened a request.
CREATE INDEX request_mail_message_id ON request_mail (message_id) WHERE message_id <> '';
