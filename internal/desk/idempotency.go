package desk

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/casedesk/casedesk"
)

// Idempotency keys make a retried create safe: the first call with a key
// records, in the transaction that creates the resource, the key (per user
// and per kind of operation, store.IdemKind), a fingerprint of what was asked
// and the resource made; a later call with the key and the same fingerprint
// answers with that resource instead of making another, and one with another
// fingerprint is refused (keyReused). When two calls race, the second
// transaction's insert of the key fails (store.ErrKeyTaken) and it answers
// with what the first committed.

// maxKeyLength is the longest idempotency key taken.
const maxKeyLength = 200

// checkKey refuses a key longer than maxKeyLength.
func checkKey(key string) error {
	if len(key) > maxKeyLength {
		return casedesk.Invalid("Idempotency-Key", "the Idempotency-Key header must be at most %d characters", maxKeyLength)
	}
	return nil
}

// fingerprint is the hex SHA-256 of what a retry must repeat to be a replay:
// the input's JSON followed by what it is about (the organization's id, the
// request's number). Requests' keys recorded before other kinds had them were
// fingerprinted so, and still match.
func fingerprint(in any, about string) string {
	b, _ := json.Marshal(in)
	sum := sha256.Sum256(append(b, about...))
	return hex.EncodeToString(sum[:])
}

// keyReused is the answer to an idempotency key used before with a different
// body: invalid input naming the header (422 in the API), as
// draft-ietf-httpapi-idempotency-key-header asks.
func keyReused() error {
	return casedesk.Invalid("Idempotency-Key",
		"this Idempotency-Key was already used with a different request body; use a new key for a new operation")
}
