package main

import (
	"errors"
	"io"

	"github.com/casedesk/casedesk/internal/sla"
)

// slaCommand runs `casedesk sla due`: JSON (Lines) in, due times out; see docs/sla.md.
func slaCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) != 1 || args[0] != "due" {
		return errors.New(`usage: casedesk sla due < input.jsonl (see docs/sla.md)`)
	}
	return sla.RunDue(stdin, stdout)
}
