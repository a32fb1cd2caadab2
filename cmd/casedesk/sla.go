package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/sla"
)

// slaCommand runs `casedesk sla due`: JSON (Lines) in, due times out; see docs/sla.md.
func slaCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	const usage = "usage: casedesk sla due < input.jsonl (see docs/sla.md)"
	switch {
	case len(args) == 2 && args[0] == "due" && (args[1] == "-h" || args[1] == "--help"), len(args) == 1 && (args[0] == "-h" || args[0] == "--help"):
		fmt.Fprintln(stderr, usage)
		return flag.ErrHelp
	case len(args) != 1 || args[0] != "due":
		return errors.New(usage)
	}
	return slaDue(stdin, stdout)
}

// dueProblem is the output line for an input value that failed: the
// problem document the API answers with (api.NewProblem), with the input's
// id, when it had a readable one, and the 1-based line on which it began.
type dueProblem struct {
	ID string `json:"id,omitempty"`
	api.Problem
	Line int `json:"line"`
}

// errTooLong is what the input reader answers past sla.MaxPreviewBytes from
// where the value being read began.
var errTooLong = errors.New("input value too long")

// slaDue reads preview inputs from in as a stream of JSON values, one after
// another (JSON Lines, or values spread over several lines), and writes one
// line per value to out: an sla.PreviewResult or a dueProblem. A value that
// is not JSON gets a problem line, and reading resumes at the start of the
// line on which it went wrong, or at the next line when that is the line
// it began on; so does a value longer than sla.MaxPreviewBytes, resuming at
// the line after the limit. Output is flushed whenever reading is about to
// wait for input. The error is non-nil only for read or write failures.
func slaDue(in io.Reader, out io.Writer) error {
	bw := bufio.NewWriter(out)
	lr := newLineReader(bufio.NewReaderSize(in, 64<<10), bw.Flush)
	emit := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = bw.Write(append(b, '\n'))
		return err
	}
	dec := json.NewDecoder(lr)
	base := int64(0) // the offset at which dec began reading: its offsets count from there
	for {
		// More skips the whitespace before the next value, which may be no
		// longer than a value either.
		lr.limit = base + dec.InputOffset() + sla.MaxPreviewBytes
		dec.More()
		start := base + dec.InputOffset()
		lr.forget(start)
		lr.limit = start + sla.MaxPreviewBytes
		line := lr.lineAt(start)
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == nil {
			// The reader's limits keep raw within sla.MaxPreviewBytes: More
			// read no further than that past the last value, nor Decode past
			// this one's start.
			if res, perr := sla.PreviewOne(raw); perr != nil {
				err = emit(dueProblem{ID: res.ID, Problem: api.PreviewProblem(perr), Line: line})
			} else {
				err = emit(res)
			}
			if err != nil {
				return err
			}
			continue
		}
		if err == io.EOF {
			return bw.Flush()
		}
		// The value is not JSON, or too long: report it, and start a new
		// decoder where reading resumes.
		var syn *json.SyntaxError
		var p api.Problem
		var at int64     // where it went wrong
		sameLine := true // resume at the line after at
		switch {
		case errors.As(err, &syn):
			// Offset counts the bytes dec read before the bad one.
			at = max(start, base+syn.Offset)
			p = api.NewProblem(api.CodeMalformed, "", "invalid JSON: "+syn.Error())
			sameLine = lr.lineAt(at) == line
		case errors.Is(err, io.ErrUnexpectedEOF):
			if err := emit(dueProblem{Problem: api.NewProblem(api.CodeMalformed, "", "invalid JSON: unexpected end of input"), Line: line}); err != nil {
				return err
			}
			return bw.Flush()
		case errors.Is(err, errTooLong):
			at, p = lr.limit, tooLong()
		default:
			return err // a read or write failure
		}
		if err := emit(dueProblem{Problem: p, Line: line}); err != nil {
			return err
		}
		lr.replay(dec.Buffered(), start)
		if sameLine {
			err = lr.skipLine(at)
		} else {
			err = lr.seekLine(lr.lineAt(at))
		}
		if err != nil {
			return err
		}
		dec, base = json.NewDecoder(lr), lr.off
	}
}

func tooLong() api.Problem {
	return api.NewProblem(casedesk.ETOOLARGE, "", fmt.Sprintf("input value longer than %d bytes", sla.MaxPreviewBytes))
}

// lineReader reads the input for a json.Decoder and knows the line of every
// offset it has read past: the stream's offsets are counted from its start,
// whatever decoder reads them. Bytes a decoder held when it was given up
// are read again (replay) before the rest of the input.
type lineReader struct {
	in    *bufio.Reader
	r     io.Reader // what is read next: replayed bytes, then in
	off   int64     // offset of the next byte r yields
	seen  int64     // offset of the next byte in yields
	nl    []int64   // offsets of the newlines from forgotten on
	gone  int       // newlines before forgotten
	limit int64     // Read answers errTooLong at this offset
	flush func() error
}

func newLineReader(in *bufio.Reader, flush func() error) *lineReader {
	return &lineReader{in: in, r: in, limit: math.MaxInt64, flush: flush}
}

func (l *lineReader) Read(p []byte) (int, error) {
	if l.off >= l.limit {
		return 0, errTooLong
	}
	p = p[:min(int64(len(p)), l.limit-l.off)]
	if l.in.Buffered() == 0 {
		// About to wait for input: let whoever writes it see the answers so far.
		if err := l.flush(); err != nil {
			return 0, err
		}
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		if at := l.off + int64(i); c == '\n' && at >= l.seen {
			l.nl = append(l.nl, at)
		}
	}
	l.off += int64(n)
	l.seen = max(l.seen, l.off)
	return n, err
}

// lineAt is the 1-based line of the byte at off (not before the last forget).
func (l *lineReader) lineAt(off int64) int {
	return 1 + l.gone + sort.Search(len(l.nl), func(i int) bool { return l.nl[i] >= off })
}

// forget drops what lineAt needs for offsets before off.
func (l *lineReader) forget(off int64) {
	n := sort.Search(len(l.nl), func(i int) bool { return l.nl[i] >= off })
	l.gone += n
	l.nl = l.nl[n:]
}

// replay makes the reader yield again held, the bytes from offset at on that
// a decoder read and did not use, before the rest of the input.
func (l *lineReader) replay(held io.Reader, at int64) {
	l.r = io.MultiReader(held, l.r)
	l.off = at
}

// seekLine skips to the start of line n, at or after the reader's offset.
func (l *lineReader) seekLine(n int) error {
	return l.skipTo(l.nl[n-2-l.gone] + 1)
}

// skipLine skips past the newline at or after offset at, or to the end of
// the input.
func (l *lineReader) skipLine(at int64) error {
	if err := l.skipTo(at); err != nil {
		return err
	}
	l.limit = math.MaxInt64
	buf := make([]byte, 4096)
	for {
		n, err := l.Read(buf)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			l.replay(bytes.NewReader(bytes.Clone(buf[i+1:n])), l.off-int64(n)+int64(i)+1)
			return nil
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// skipTo reads on to offset at.
func (l *lineReader) skipTo(at int64) error {
	l.limit = math.MaxInt64
	_, err := io.CopyN(io.Discard, l, at-l.off)
	if err == io.EOF {
		return nil
	}
	return err
}
