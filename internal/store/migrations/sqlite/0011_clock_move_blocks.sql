-- A request's staff history finds the recompute batches that moved its
-- clocks by one seek on this table, instead of reading every batch whose
-- request range (clock_move_batches.min_request..max_request) holds it: the
-- batches of an organization's recompute span the ids of every other
-- organization's requests between its own. One row per batch and block of
-- 64 request ids it moved a clock in (request_id / 64, as store/moves.go
-- computes it), written with the batch: a batch of requests opened one
-- after another writes a row for 64 of them, and a request reads the
-- batches of at most 63 neighbours besides its own. The range index is no
-- longer read.
DROP INDEX clock_move_batches_requests;

CREATE TABLE clock_move_blocks (
    block    INTEGER NOT NULL, -- request_id / 64
    batch_id INTEGER NOT NULL REFERENCES clock_move_batches (id),
    PRIMARY KEY (block, batch_id)
) WITHOUT ROWID;

-- The batches written before: each packed record (33 bytes) starts with its
-- request id, 8 bytes big-endian, read here one hex digit at a time.
WITH RECURSIVE record(batch_id, moves, n) AS (
    SELECT id, moves, 0 FROM clock_move_batches WHERE length(moves) >= 33
    UNION ALL
    SELECT batch_id, moves, n + 1 FROM record WHERE (n + 2) * 33 <= length(moves)
), digit(batch_id, h, k, request_id) AS (
    SELECT batch_id, hex(substr(moves, n * 33 + 1, 8)), 1, 0 FROM record
    UNION ALL
    SELECT batch_id, h, k + 1, request_id * 16 + instr('0123456789ABCDEF', substr(h, k, 1)) - 1 FROM digit WHERE k <= 16
)
INSERT OR IGNORE INTO clock_move_blocks (block, batch_id)
SELECT request_id / 64, batch_id FROM digit WHERE k = 17;
