package store

import (
	"context"
	"database/sql"
	"fmt"
)

// RequestMail is a request's mail identity (migration 0014).
type RequestMail struct {
	RequestID  int64
	OrgID      int64
	ReplyToken string // the token of its reply address
	MessageID  string // the Message-ID of the mail that opened it, "" if none did
}

// RequestMail returns the mail identity of a request in scope; ok is false
// when it has none yet.
func (q *Queries) RequestMail(ctx context.Context, scope Scope, requestID int64) (m RequestMail, ok bool, err error) {
	var a args
	err = q.queryRow(ctx, "SELECT request_id, org_id, reply_token, message_id FROM request_mail WHERE request_id = "+
		a.add(requestID)+" AND "+scope.cond(&a, "org_id"), a...).Scan(&m.RequestID, &m.OrgID, &m.ReplyToken, &m.MessageID)
	if err == sql.ErrNoRows {
		return RequestMail{}, false, nil
	}
	if err != nil {
		return RequestMail{}, false, fmt.Errorf("store: mail of request %d: %w", requestID, err)
	}
	return m, true, nil
}

// RequestByReplyToken returns the mail identity whose reply token is token,
// for a request in scope; ok is false when there is none.
func (q *Queries) RequestByReplyToken(ctx context.Context, scope Scope, token string) (m RequestMail, ok bool, err error) {
	var a args
	err = q.queryRow(ctx, "SELECT request_id, org_id, reply_token, message_id FROM request_mail WHERE reply_token = "+
		a.add(token)+" AND "+scope.cond(&a, "org_id"), a...).Scan(&m.RequestID, &m.OrgID, &m.ReplyToken, &m.MessageID)
	if err == sql.ErrNoRows {
		return RequestMail{}, false, nil
	}
	if err != nil {
		return RequestMail{}, false, fmt.Errorf("store: request by reply token: %w", err)
	}
	return m, true, nil
}

// CreateRequestMail stores the mail identity of a request in scope.
func (q *Queries) CreateRequestMail(ctx context.Context, scope Scope, m RequestMail) error {
	if err := scope.admit(m.OrgID, m.RequestID); err != nil {
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO request_mail (request_id, org_id, reply_token, message_id)
		SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM requests WHERE id = $1 AND org_id = $2)`,
		m.RequestID, m.OrgID, m.ReplyToken, m.MessageID)
	if err != nil {
		return fmt.Errorf("store: mail of request %d: %w", m.RequestID, err)
	}
	return nil
}
