package desk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// TestAttachmentNamesAreCleaned: control characters and the invisible marks
// that reorder text are removed from an attachment's name before it is
// stored, on both engines.
func TestAttachmentNamesAreCleaned(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		r := w.open("business", "")
		for _, tt := range []struct{ sent, want string }{
			{"invoice\u202Efdp.exe", "invoicefdp.exe"},
			{"\u202Areport\u202C.pdf", "report.pdf"},
			{"a\u2066b\u2067c\u2068d\u2069.txt", "abcd.txt"},
			{"left\u200Eright\u200Fmark\u061C.txt", "leftrightmark.txt"},
			{"tab\there\x00nul\x1b[31mred\x7f.log", "tabherenul[31mred.log"},
			{"c1\u0085\u009b.txt", "c1.txt"},
			{"new\r\nline.txt", "newline.txt"},
			{`C:\Users\x\photo` + "\u202E" + `gnp.js`, "photognp.js"},
			{"  spaced.txt \u200F", "spaced.txt"},
			{"日本語\u200d名前.txt", "日本語\u200d名前.txt"}, // a joiner is part of some scripts' text
		} {
			att, err := w.d.AddAttachment(ctx, w.admins["business"], r.Number, tt.sent, false, strings.NewReader("content"))
			if err != nil {
				t.Fatalf("%q: %v", tt.sent, err)
			}
			if att.Name != tt.want {
				t.Errorf("%q: name %q, want %q", tt.sent, att.Name, tt.want)
			}
		}
		stored, err := w.d.Attachments(ctx, w.admins["business"], r.Number)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range stored {
			if strings.ContainsFunc(a.Name, func(r rune) bool {
				return r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f
			}) {
				t.Errorf("stored name %q keeps a control or bidi character", a.Name)
			}
		}
		if len(stored) != 10 {
			t.Errorf("%d attachments stored, want 10", len(stored))
		}
		// A name of nothing but such characters is no name.
		if _, err := w.d.AddAttachment(ctx, w.admins["business"], r.Number, "\u202E\u200F\x07", false, strings.NewReader("x")); err == nil {
			t.Error("a name of invisible characters only was accepted")
		}
	})
}
