package desk

import "github.com/casedesk/casedesk"

// Clock returns the clock desk tells the time by, so that a transport that
// shows time-dependent choices (the reopen window, recent requests) agrees
// with the verbs that enforce them.
func (d *Desk) Clock() casedesk.Clock { return d.clock }
