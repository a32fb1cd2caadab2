-- A staff member's notifications inbox: a change they follow happened (the
-- technical account manager of an organization hears of its requests being
-- opened, triaged, escalated, warned and breached). Each row is written in
-- the transaction of the change, beside the history line it points to.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    org_id     INTEGER NOT NULL REFERENCES organizations (id),
    request_id INTEGER NOT NULL REFERENCES requests (id),
    event_id   INTEGER NOT NULL REFERENCES events (id),
    kind       TEXT    NOT NULL, -- the event's: created, severity, escalated, sla_warn, sla_breach
    detail     TEXT    NOT NULL DEFAULT '', -- the new severity, the clock's metric
    created_at INTEGER NOT NULL,
    read_at    INTEGER
);
CREATE INDEX notifications_user ON notifications (user_id, id);
-- The unread count on every console page reads only this.
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_event ON notifications (event_id);
