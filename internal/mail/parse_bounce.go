package mail

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// deliveryStatus reads the per-recipient groups of a message/delivery-status
// body (RFC 3464 section 2.3): Final-Recipient (or Original-Recipient),
// Action, Status and Diagnostic-Code.
func deliveryStatus(body []byte) []Bounce {
	body = bytes.ReplaceAll(body, []byte("\r\n"), []byte("\n"))
	var out []Bounce
	for i, block := range bytes.Split(body, []byte("\n\n")) {
		f := statusFields(string(block))
		if i == 0 && f["final-recipient"] == "" && f["original-recipient"] == "" {
			continue // the per-message group (Reporting-MTA, Arrival-Date)
		}
		rcpt := f["final-recipient"]
		if rcpt == "" {
			rcpt = f["original-recipient"]
		}
		if rcpt == "" {
			continue
		}
		// "rfc822; someone@example.com"
		if _, addr, ok := strings.Cut(rcpt, ";"); ok {
			rcpt = addr
		}
		rcpt = strings.ToLower(strings.Trim(strings.TrimSpace(rcpt), "<>"))
		diag := f["diagnostic-code"]
		if _, text, ok := strings.Cut(diag, ";"); ok {
			diag = text
		}
		out = append(out, Bounce{Recipient: rcpt, Action: strings.ToLower(strings.TrimSpace(f["action"])),
			Status: strings.TrimSpace(f["status"]), Diagnostic: strings.TrimSpace(diag)})
	}
	return out
}

// statusFields reads one group of "Name: value" lines, unfolding
// continuation lines; names are lower case.
func statusFields(block string) map[string]string {
	f := map[string]string{}
	last := ""
	for _, line := range strings.Split(block, "\n") {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			f[last] += " " + strings.TrimSpace(line)
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		last = strings.ToLower(strings.TrimSpace(k))
		f[last] = strings.TrimSpace(toUTF8([]byte(v)))
	}
	return f
}

// returnedID returns the Message-ID in the header of a returned mail.
func returnedID(b []byte) string {
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(b)))
	if err != nil && h.Len() == 0 {
		return ""
	}
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		return ids[0]
	}
	return ""
}
