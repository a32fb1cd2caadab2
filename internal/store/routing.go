package store

import (
	"context"
	"fmt"
)

// AgentLoad is a provider engineer and how many open requests they hold.
type AgentLoad struct {
	UserID int64
	Load   int
}

// AgentLoads returns the count of open requests in scope each active agent
// and supervisor of the provider holds (zero for those with none).
func (q *Queries) AgentLoads(ctx context.Context, scope Scope) (map[int64]int, error) {
	var a args
	rows, err := q.query(ctx, `SELECT u.id, COUNT(r.id) FROM users u
		JOIN organizations o ON o.id = u.org_id AND o.kind = 'provider'
		LEFT JOIN requests r ON r.assignee_id = u.id AND r.status IN ('new', 'open', 'waiting') AND `+scope.cond(&a, "r.org_id")+`
		WHERE u.active AND u.role IN ('agent', 'supervisor') GROUP BY u.id`, a...)
	if err != nil {
		return nil, fmt.Errorf("store: agent loads: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
