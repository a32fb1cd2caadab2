-- SLA: region calendars, versioned entitlement policies, and the clocks of
-- requests. Times are INTEGER microseconds since the epoch.
CREATE TABLE calendars (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    region     TEXT    NOT NULL UNIQUE, -- ISO 3166-1 code; '' is the default calendar
    spec       TEXT    NOT NULL,        -- JSON: {"type","tz","weekly","holidays"} (docs/sla.md)
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL
);

CREATE TABLE sla_policies (
    version    INTEGER PRIMARY KEY,
    body       TEXT    NOT NULL, -- JSON export form (docs/sla.md)
    created_at INTEGER NOT NULL,
    created_by INTEGER
);

CREATE TABLE sla_clocks (
    id               INTEGER PRIMARY KEY,
    request_id       INTEGER NOT NULL REFERENCES requests (id),
    org_id           INTEGER NOT NULL,
    metric           TEXT    NOT NULL,
    cycle            INTEGER NOT NULL, -- 0 at opening, n after the n-th reopen
    opened_at        INTEGER NOT NULL,
    policy_version   INTEGER NOT NULL,
    family           TEXT    NOT NULL,
    severity         TEXT    NOT NULL,
    coverage         TEXT    NOT NULL,
    target_kind      TEXT    NOT NULL,
    target_minutes   INTEGER NOT NULL,
    calendar_id      INTEGER,
    calendar_version INTEGER,
    pauses           TEXT    NOT NULL DEFAULT '[]',
    due_at           INTEGER,
    warn_at          INTEGER,
    stopped_at       INTEGER,
    met              BOOLEAN,
    breached         BOOLEAN NOT NULL DEFAULT FALSE,
    business_minutes INTEGER,
    warn_fired_at    INTEGER,
    breach_fired_at  INTEGER,
    updated_at       INTEGER NOT NULL,
    UNIQUE (request_id, metric, cycle)
);
-- The next warning and the next breach are each one index seek away.
CREATE INDEX sla_clocks_breach_due ON sla_clocks (due_at) WHERE stopped_at IS NULL AND breach_fired_at IS NULL AND due_at IS NOT NULL;
CREATE INDEX sla_clocks_warn_due ON sla_clocks (warn_at) WHERE stopped_at IS NULL AND warn_fired_at IS NULL AND warn_at IS NOT NULL;
CREATE INDEX sla_clocks_running ON sla_clocks (id) WHERE stopped_at IS NULL;
CREATE INDEX sla_clocks_org_running ON sla_clocks (org_id, id) WHERE stopped_at IS NULL;
-- Queues order open requests by the due time of their running clocks.
CREATE INDEX sla_clocks_queue ON sla_clocks (due_at, request_id) WHERE stopped_at IS NULL AND due_at IS NOT NULL;

-- SPEC's default policy is version 1; the default region calendars follow.
INSERT INTO sla_policies (version, body, created_at) VALUES (1, '{"version":1,"warn_share":0.75,"pause_while_waiting":true,"reopen_days":14,"initial_response":{"business":{"A":{"coverage":"24x7","target":"minutes","minutes":60},"B":{"coverage":"business_hours","target":"none"},"C":{"coverage":"business_hours","target":"none"}},"elevated":{"A":{"coverage":"24x7","target":"minutes","minutes":60},"B":{"coverage":"24x7","target":"minutes","minutes":120},"C":{"coverage":"24x7","target":"minutes","minutes":240}},"enterprise":{"A":{"coverage":"24x7","target":"minutes","minutes":60},"B":{"coverage":"24x7","target":"next_business_day"},"C":{"coverage":"24x7","target":"none"}},"frontline":{"A":{"coverage":"24x7","target":"minutes","minutes":60},"B":{"coverage":"24x7","target":"next_business_day"},"C":{"coverage":"24x7","target":"none"}}},"next_reply":{"enabled":false,"targets":{}},"resolution":{"enabled":false,"targets":{}}}', 0);

INSERT INTO calendars (name, region, spec, version, updated_at) VALUES
    ('Default (UTC)', '', '{"type":"business_hours","tz":"UTC","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sat":[],"sun":[]},"holidays":[]}', 1, 0),
    ('Germany', 'DE', '{"type":"business_hours","tz":"Europe/Berlin","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sat":[],"sun":[]},"holidays":[{"date":"01-01","name":"Neujahr"},{"date":"05-01","name":"Tag der Arbeit"},{"date":"10-03","name":"Tag der Deutschen Einheit"},{"date":"12-25","name":"1. Weihnachtstag"},{"date":"12-26","name":"2. Weihnachtstag"}]}', 1, 0),
    ('United States', 'US', '{"type":"business_hours","tz":"America/New_York","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sat":[],"sun":[]},"holidays":[{"date":"01-01","name":"New Year''s Day"},{"date":"06-19","name":"Juneteenth"},{"date":"07-04","name":"Independence Day"},{"date":"11-11","name":"Veterans Day"},{"date":"12-25","name":"Christmas Day"}]}', 1, 0),
    ('United Kingdom', 'GB', '{"type":"business_hours","tz":"Europe/London","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sat":[],"sun":[]},"holidays":[{"date":"01-01","name":"New Year''s Day"},{"date":"12-25","name":"Christmas Day"},{"date":"12-26","name":"Boxing Day"}]}', 1, 0),
    ('Japan', 'JP', '{"type":"business_hours","tz":"Asia/Tokyo","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sat":[],"sun":[]},"holidays":[{"date":"01-01","name":"元日"},{"date":"02-11","name":"建国記念の日"},{"date":"04-29","name":"昭和の日"},{"date":"05-03","name":"憲法記念日"},{"date":"05-04","name":"みどりの日"},{"date":"05-05","name":"こどもの日"},{"date":"11-03","name":"文化の日"},{"date":"11-23","name":"勤労感謝の日"}]}', 1, 0),
    ('China', 'CN', '{"type":"business_hours","tz":"Asia/Shanghai","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sat":[],"sun":[]},"holidays":[{"date":"01-01","name":"元旦"},{"date":"05-01","name":"劳动节"},{"date":"10-01","name":"国庆节"},{"date":"10-02","name":"国庆节"},{"date":"10-03","name":"国庆节"}]}', 1, 0),
    ('Australia (Sydney)', 'AU', '{"type":"business_hours","tz":"Australia/Sydney","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sat":[],"sun":[]},"holidays":[{"date":"01-01","name":"New Year''s Day"},{"date":"01-26","name":"Australia Day"},{"date":"04-25","name":"Anzac Day"},{"date":"12-25","name":"Christmas Day"},{"date":"12-26","name":"Boxing Day"}]}', 1, 0),
    ('India', 'IN', '{"type":"business_hours","tz":"Asia/Kolkata","weekly":{"mon":["09:00-17:00"],"tue":["09:00-17:00"],"wed":["09:00-17:00"],"thu":["09:00-17:00"],"fri":["09:00-17:00"],"sat":[],"sun":[]},"holidays":[{"date":"01-26","name":"Republic Day"},{"date":"08-15","name":"Independence Day"},{"date":"10-02","name":"Gandhi Jayanti"}]}', 1, 0);
