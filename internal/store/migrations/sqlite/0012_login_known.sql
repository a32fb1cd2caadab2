-- Sign-in throttling (desk/session.go) lets an address that is slowed for
-- trying many accounts still sign in to the accounts that signed in from it
-- before: one row per (account, address) pair, with its last good sign-in.
CREATE TABLE login_known (
    key TEXT    NOT NULL PRIMARY KEY, -- "email|address"
    at  INTEGER NOT NULL
);
