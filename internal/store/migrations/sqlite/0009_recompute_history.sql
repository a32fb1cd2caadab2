-- Bulk recomputes of SLA clocks (after a policy, plan or calendar change)
-- and the due times they moved. A history line per moved clock, a million
-- of them after one calendar change, is one small row here rather than an
-- events row with two indexes; a request's history shows both.
CREATE TABLE recompute_runs (
    id       INTEGER PRIMARY KEY,
    reason   TEXT    NOT NULL, -- "calendar Germany v2", "policy v3", "plan e3"
    actor_id INTEGER,
    at       INTEGER NOT NULL,
    moved    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE clock_moves (
    request_id INTEGER NOT NULL,
    run_id     INTEGER NOT NULL,
    metric     TEXT    NOT NULL,
    org_id     INTEGER NOT NULL,
    old_due    INTEGER, -- NULL: there was none
    new_due    INTEGER,
    PRIMARY KEY (request_id, run_id, metric)
) WITHOUT ROWID;
