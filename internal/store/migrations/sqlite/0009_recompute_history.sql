-- Bulk recomputes of SLA clocks (after a policy, plan or calendar change)
-- and the due times they moved. One recompute can move a million clocks;
-- its history lines are packed per batch of up to 5,000 (store/moves.go)
-- rather than written as a million events rows, and a request's staff
-- history reads them back through the batches whose request range holds it.
CREATE TABLE recompute_runs (
    id       INTEGER PRIMARY KEY,
    reason   TEXT    NOT NULL, -- "calendar Germany v2", "policy v3", "plan e3"
    actor_id INTEGER,
    org_id   INTEGER NOT NULL DEFAULT 0, -- the organization recomputed, 0 for all
    at       INTEGER NOT NULL,
    moved    INTEGER NOT NULL DEFAULT 0,
    finished_at INTEGER -- NULL while running, or if the process died: it resumes at start-up
);
CREATE INDEX recompute_runs_unfinished ON recompute_runs (id) WHERE finished_at IS NULL;

CREATE TABLE clock_move_batches (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES recompute_runs (id),
    min_request INTEGER NOT NULL,
    max_request INTEGER NOT NULL,
    moves       BLOB NOT NULL -- sorted by request: request, org, metric, old and new due time
);
CREATE INDEX clock_move_batches_requests ON clock_move_batches (min_request, max_request);
