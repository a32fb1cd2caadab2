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
    block    BIGINT NOT NULL, -- request_id / 64
    batch_id BIGINT NOT NULL REFERENCES clock_move_batches (id),
    PRIMARY KEY (block, batch_id)
);

-- The batches written before: each packed record (33 bytes) starts with its
-- request id, 8 bytes big-endian.
INSERT INTO clock_move_blocks (block, batch_id)
SELECT DISTINCT ('x' || encode(substring(b.moves FROM n * 33 + 1 FOR 8), 'hex'))::bit(64)::bigint / 64, b.id
FROM clock_move_batches b CROSS JOIN LATERAL generate_series(0, length(b.moves) / 33 - 1) AS n
ON CONFLICT DO NOTHING;
