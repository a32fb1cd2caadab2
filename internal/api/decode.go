package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/edge"
)

// maxBody bounds JSON request bodies.
const maxBody = 1 << 20

// decode reads a JSON body into v strictly: the content type must be JSON,
// the body at most 1 MiB of valid UTF-8 holding exactly one object with no
// unknown or repeated fields. Errors name the field.
func decode(r *http.Request, v any) error {
	body, err := readJSON(r)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return malformed("", "the body holds more than one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return malformed("", "unexpected data after the JSON object")
	}
	return nil
}

// readJSON returns a JSON body after checking its content type, size and
// encoding, and that no object in it names a member twice (which decoders
// would settle silently, the last one winning), for handlers that pass the
// raw document on (policies, previews) as for decode. A body that arrives
// too slowly is a 408.
func readJSON(r *http.Request) ([]byte, error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return nil, &transportError{code: casedesk.EUNSUPPORTED, field: "Content-Type", msg: "send the body as application/json"}
	}
	if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") {
		return nil, &transportError{code: casedesk.EUNSUPPORTED, field: "Content-Type", msg: "the body must be UTF-8"}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if edge.BodyTimeout(err) {
		return nil, &transportError{code: CodeTimeout, msg: "the body arrived too slowly; send it at once"}
	}
	if err != nil {
		return nil, malformed("", "could not read the body: "+err.Error())
	}
	if len(body) > maxBody {
		return nil, &transportError{code: casedesk.ETOOLARGE, msg: "the body is larger than 1 MiB"}
	}
	if !utf8.Valid(body) {
		return nil, malformed("", "the body is not valid UTF-8")
	}
	if field := duplicateField(body); field != "" {
		return nil, malformed(field, "the field "+strconv.Quote(field)+" appears more than once")
	}
	return body, nil
}

// duplicateField returns the path of the first member name repeated within
// one object of the JSON document ("title", "hours[2].from"), compared
// after unescaping, or "" when there is none. A document that is not valid
// JSON has none: the decoder reports that better.
func duplicateField(doc []byte) string {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var walk func(path string) (string, bool)
	// walk reads one value; it returns the duplicate's path, or false when
	// the document ends or is broken.
	walk = func(path string) (string, bool) {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return "", false
				}
				key, _ := k.(string)
				p := key
				if path != "" {
					p = path + "." + key
				}
				if seen[key] {
					return p, true
				}
				seen[key] = true
				if dup, ok := walk(p); dup != "" || !ok {
					return dup, ok
				}
			}
			_, err := dec.Token()
			return "", err == nil
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if dup, ok := walk(path + "[" + strconv.Itoa(i) + "]"); dup != "" || !ok {
					return dup, ok
				}
			}
			_, err := dec.Token()
			return "", err == nil
		}
		return "", true
	}
	dup, _ := walk("")
	return dup
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return malformed("", "the body is not valid JSON (at byte "+strconv.FormatInt(syn.Offset, 10)+"): "+syn.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return malformed("", "the body must be a JSON object")
		}
		return malformed(field, field+" must be "+article(typ.Type.String())+", not "+typ.Value)
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("", "the body is empty or cut short; send a JSON object")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return malformed(f, "unknown field "+strconv.Quote(f))
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return malformed("", "a time is not in RFC 3339 form, e.g. 2026-11-25T09:00:00Z")
	}
	return malformed("", "the body could not be read as the expected JSON object: "+err.Error())
}

func article(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"), strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "string" || strings.HasPrefix(goType, "casedesk.") && !strings.Contains(goType, "Impact"):
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	default:
		return "an object"
	}
}

// queryInt reads an optional integer query parameter.
func queryInt(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, casedesk.Invalid(name, "%s must be a non-negative integer", name)
	}
	return n, nil
}

// onlyQuery refuses query parameters other than the allowed ones, naming
// the first stranger: a misspelt filter must not silently match everything.
func onlyQuery(r *http.Request, allowed ...string) error {
	for k := range r.URL.Query() {
		if !slices.Contains(allowed, k) {
			return casedesk.Invalid(k, "unknown query parameter %q", k)
		}
	}
	return nil
}

// queryLimit reads the page size: 0 (the default) when absent, else 1–200.
func queryLimit(r *http.Request) (int, error) {
	limit, err := queryInt(r, "limit")
	if err != nil {
		return 0, err
	}
	if r.URL.Query().Has("limit") && (limit < 1 || limit > 200) {
		return 0, casedesk.Invalid("limit", "limit must be between 1 and 200")
	}
	return int(limit), nil
}

// pathID reads a numeric path segment.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, casedesk.Errorf(casedesk.ENOTFOUND, "%s %q not found", name, r.PathValue(name))
	}
	return n, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
