package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/casedesk/casedesk"
	"github.com/casedesk/casedesk/internal/api"
	"github.com/casedesk/casedesk/internal/desk"
	"github.com/casedesk/casedesk/internal/store"
	"github.com/casedesk/casedesk/internal/store/storetest"
)

// httpMethods are the operation keys of an OpenAPI path item.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// TestOpenAPIMatchesRoutes keeps the hand-written OpenAPI document true to the
// route table: the same paths and methods both ways, responses on every
// operation, bearer security and a 401 wherever sign-in is required, problem
// documents for every error, and no dangling $ref.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		doc := fetchOpenAPI(t, f.srv.URL+"/api/v1/openapi.json")

		if v, _ := doc["openapi"].(string); v != "3.1.0" {
			t.Fatalf("openapi = %q, want 3.1.0", v)
		}
		info := obj(doc["info"])
		if s, _ := info["title"].(string); s == "" {
			t.Error("info.title is missing")
		}
		if s, _ := info["version"].(string); s == "" {
			t.Error("info.version is missing")
		}

		checkRefs(t, doc)

		routes := map[string]api.Route{}
		for _, rt := range f.api.Routes() {
			routes[strings.ToLower(rt.Method)+" "+rt.Pattern] = rt
		}
		paths := obj(doc["paths"])
		if paths == nil {
			t.Fatal("the document has no paths")
		}
		documented := map[string]bool{}
		opIDs := map[string]string{}
		keys := make([]string, 0, len(paths))
		for path := range paths {
			keys = append(keys, path)
		}
		sort.Strings(keys)
		for _, path := range keys {
			item := obj(resolve(t, doc, paths[path]))
			if item == nil {
				t.Errorf("%s: the path item is not an object", path)
				continue
			}
			for _, m := range httpMethods {
				op := obj(item[m])
				if op == nil {
					continue
				}
				key := m + " " + path
				documented[key] = true
				rt, isRoute := routes[key]
				if !isRoute {
					t.Errorf("%s %s is documented but is not a route", strings.ToUpper(m), path)
				}
				checkOperation(t, doc, key, path, item, op, rt, isRoute, opIDs)
			}
		}
		var missing []string
		for key := range routes {
			if !documented[key] {
				m, p, _ := strings.Cut(key, " ")
				missing = append(missing, strings.ToUpper(m)+" "+p)
			}
		}
		sort.Strings(missing)
		for _, k := range missing {
			t.Errorf("route %s is not documented", k)
		}
	})
}

func fetchOpenAPI(t *testing.T, url string) map[string]any {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET openapi.json: %d %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("openapi.json Content-Type = %q, want application/json", ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("openapi.json is not a JSON object: %v", err)
	}
	return doc
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

func checkOperation(t *testing.T, doc map[string]any, key, path string, item, op map[string]any, rt api.Route, isRoute bool, opIDs map[string]string) {
	t.Helper()
	id, _ := op["operationId"].(string)
	if id == "" {
		t.Errorf("%s: no operationId", key)
	} else if prev, dup := opIDs[id]; dup {
		t.Errorf("%s: operationId %q is also used by %s", key, id, prev)
	} else {
		opIDs[id] = key
	}
	if s, _ := op["summary"].(string); s == "" {
		t.Errorf("%s: no summary", key)
	}

	// Path parameters: every {name} declared, nothing declared that is not in the path.
	inPath := map[string]bool{}
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		inPath[m[1]] = true
	}
	declared := map[string]bool{}
	for _, list := range []any{item["parameters"], op["parameters"]} {
		ps, _ := list.([]any)
		for _, p := range ps {
			param := obj(resolve(t, doc, p))
			if param == nil {
				t.Errorf("%s: a parameter is not an object", key)
				continue
			}
			name, _ := param["name"].(string)
			in, _ := param["in"].(string)
			if name == "" || in == "" {
				t.Errorf("%s: a parameter lacks name or in", key)
			}
			if in != "path" {
				continue
			}
			declared[name] = true
			if req, _ := param["required"].(bool); !req {
				t.Errorf("%s: path parameter %q must be required", key, name)
			}
			if !inPath[name] {
				t.Errorf("%s: path parameter %q is not in the path", key, name)
			}
		}
	}
	for name := range inPath {
		if !declared[name] {
			t.Errorf("%s: path parameter {%s} is not declared", key, name)
		}
	}

	// Responses: present, error statuses answered with problem documents.
	responses := obj(op["responses"])
	if len(responses) == 0 {
		t.Errorf("%s: no responses", key)
	}
	success := false
	for status, r := range responses {
		resp := obj(resolve(t, doc, r))
		if resp == nil {
			t.Errorf("%s: response %s is not an object", key, status)
			continue
		}
		if d, _ := resp["description"].(string); d == "" {
			t.Errorf("%s: response %s has no description", key, status)
		}
		code, err := strconv.Atoi(status)
		if err != nil {
			continue // "default" or a range like "5XX"
		}
		if code >= 200 && code < 300 {
			success = true
		}
		if code >= 400 && !isProblem(resp) {
			t.Errorf("%s: response %s is not an application/problem+json Problem", key, status)
		}
	}
	if len(responses) > 0 && !success {
		t.Errorf("%s: no 2xx response", key)
	}

	// JSON request bodies are decoded strictly: unknown fields are rejected.
	if rb := obj(resolve(t, doc, op["requestBody"])); rb != nil {
		for mt, c := range obj(rb["content"]) {
			if mt != "application/json" {
				continue
			}
			schema := obj(resolve(t, doc, obj(c)["schema"]))
			if ap, ok := schema["additionalProperties"].(bool); !ok || ap {
				t.Errorf("%s: the application/json request body schema must say additionalProperties: false", key)
			}
		}
	}

	// Security: public routes need nothing; every other one the bearer scheme and a 401.
	if !isRoute {
		return
	}
	reqs, ok := op["security"].([]any)
	if !ok {
		reqs, _ = doc["security"].([]any)
	}
	if rt.Access == api.Public {
		if len(reqs) > 0 && !hasEmptyRequirement(reqs) {
			t.Errorf("%s: a public route must not require credentials", key)
		}
		return
	}
	if hasEmptyRequirement(reqs) {
		t.Errorf("%s: route for %s makes credentials optional", key, rt.Access)
	}
	if !hasBearer(doc, reqs) {
		t.Errorf("%s: route for %s does not declare the bearer security scheme", key, rt.Access)
	}
	if _, ok := responses["401"]; !ok {
		t.Errorf("%s: route for %s does not document 401", key, rt.Access)
	}
}

func hasEmptyRequirement(reqs []any) bool {
	for _, r := range reqs {
		if m, ok := r.(map[string]any); ok && len(m) == 0 {
			return true
		}
	}
	return false
}

// hasBearer reports whether some security requirement names an HTTP bearer scheme.
func hasBearer(doc map[string]any, reqs []any) bool {
	schemes := obj(obj(doc["components"])["securitySchemes"])
	for _, r := range reqs {
		for name := range obj(r) {
			s := obj(schemes[name])
			typ, _ := s["type"].(string)
			scheme, _ := s["scheme"].(string)
			if typ == "http" && strings.EqualFold(scheme, "bearer") {
				return true
			}
		}
	}
	return false
}

// isProblem reports whether resp answers application/problem+json with the Problem schema.
func isProblem(resp map[string]any) bool {
	c := obj(obj(resp["content"])["application/problem+json"])
	if c == nil {
		return false
	}
	ref, _ := obj(c["schema"])["$ref"].(string)
	return ref == "#/components/schemas/Problem"
}

// checkRefs walks the whole document and checks that every $ref points into it.
func checkRefs(t *testing.T, doc map[string]any) {
	t.Helper()
	n := 0
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"]; ok {
				n++
				s, _ := ref.(string)
				if _, err := pointer(doc, s); err != "" {
					t.Errorf("%s: $ref %q: %s", at, s, err)
				}
			}
			for k, e := range v {
				walk(at+"/"+k, e)
			}
		case []any:
			for i, e := range v {
				walk(at+"/"+strconv.Itoa(i), e)
			}
		}
	}
	walk("#", doc)
	if n == 0 {
		t.Error("the document uses no $ref at all; components are expected")
	}
}

// pointer resolves a local JSON pointer reference such as #/components/schemas/Problem.
func pointer(doc map[string]any, ref string) (any, string) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, "not a reference within the document"
	}
	var cur any = doc
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			next, ok := c[tok]
			if !ok {
				return nil, "no " + strconv.Quote(tok)
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, "no index " + strconv.Quote(tok)
			}
			cur = c[i]
		default:
			return nil, "cannot descend into " + strconv.Quote(tok)
		}
	}
	return cur, ""
}

// resolve follows $ref (transitively) to what it names.
func resolve(t *testing.T, doc map[string]any, v any) any {
	t.Helper()
	for range 10 {
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return v
		}
		next, err := pointer(doc, ref)
		if err != "" {
			return nil // reported by checkRefs
		}
		v = next
	}
	t.Errorf("$ref chain too long")
	return nil
}

func obj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// TestOpenAPIQueueViews: the document lists exactly desk's queue views.
func TestOpenAPIQueueViews(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]struct {
			Get struct {
				Parameters []struct {
					Name   string `json:"name"`
					Schema struct {
						Enum []string `json:"enum"`
					} `json:"schema"`
				} `json:"parameters"`
			} `json:"get"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range doc.Paths["/api/v1/queue"].Get.Parameters {
		if p.Name == "view" {
			got = p.Schema.Enum
		}
	}
	var want []string
	for _, v := range desk.QueueViews() {
		want = append(want, string(v))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("openapi.json lists the queue views %v, desk has %v", got, want)
	}
}

// TestOpenAPIPortable holds the document to what mainstream client generators
// read the same way at their default settings (scripts/check-openapi-clients.sh
// runs them; this test names the rule that each broke):
//   - a component name is used once across sections: oapi-codegen makes one Go
//     type per component, and a parameter and a schema both called
//     PolicyVersion collided;
//   - bounds are minimum and maximum: ogen reads exclusiveMinimum and
//     exclusiveMaximum as OpenAPI 3.0's booleans and refuses 3.1's numbers;
//   - a multipart file part is a binary string without an encoding object:
//     ogen implements neither a part's contentType nor a file without
//     format binary;
//   - component schemas carry no default: openapi-typescript reads a default
//     as "always present" and makes the field required, also in request bodies;
//     the description says what an absent field means.
func TestOpenAPIPortable(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	components := obj(doc["components"])
	owner := map[string]string{}
	for _, section := range []string{"schemas", "parameters", "responses", "requestBodies", "headers"} {
		for name := range obj(components[section]) {
			if prev, dup := owner[name]; dup {
				t.Errorf("component name %q is used in both %s and %s", name, prev, section)
			}
			owner[name] = section
		}
	}

	var walk func(at string, v any, inSchemas bool)
	walk = func(at string, v any, inSchemas bool) {
		switch v := v.(type) {
		case map[string]any:
			for _, k := range []string{"exclusiveMinimum", "exclusiveMaximum"} {
				if _, ok := v[k]; ok {
					t.Errorf("%s: %s; use minimum/maximum and say the bound in the description", at, k)
				}
			}
			if _, ok := v["default"]; ok && inSchemas {
				t.Errorf("%s: a component schema states a default; say it in the description", at)
			}
			for k, e := range v {
				walk(at+"/"+k, e, inSchemas)
			}
		case []any:
			for i, e := range v {
				walk(at+"/"+strconv.Itoa(i), e, inSchemas)
			}
		}
	}
	for k, v := range doc {
		if k != "components" {
			walk("#/"+k, v, false)
		}
	}
	for k, v := range components {
		walk("#/components/"+k, v, k == "schemas")
	}

	for path, item := range obj(doc["paths"]) {
		for _, m := range httpMethods {
			rb := obj(obj(obj(item)[m])["requestBody"])
			mp := obj(obj(rb["content"])["multipart/form-data"])
			if mp == nil {
				continue
			}
			if _, ok := mp["encoding"]; ok {
				t.Errorf("%s %s: multipart/form-data has an encoding object", m, path)
			}
			schema := obj(resolve(t, doc, mp["schema"]))
			for name, p := range obj(schema["properties"]) {
				if f, _ := obj(p)["format"].(string); obj(p)["type"] == "string" && f != "binary" {
					t.Errorf("%s %s: multipart part %q is a string without format binary", m, path, name)
				}
			}
		}
	}
}

// TestOpenAPIEventKinds: the document's EventKind is the root vocabulary's, and
// a notification's kind is one of them.
func TestOpenAPIEventKinds(t *testing.T) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Enum       []string `json:"enum"`
				Properties map[string]struct {
					Ref  string   `json:"$ref"`
					Enum []string `json:"enum"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	schemas := doc.Components.Schemas
	var want []string
	for _, k := range casedesk.EventKinds() {
		want = append(want, string(k))
	}
	if got := schemas["EventKind"].Enum; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("EventKind lists %v, the root package has %v", got, want)
	}
	if ref := schemas["Event"].Properties["kind"].Ref; ref != "#/components/schemas/EventKind" {
		t.Errorf("Event.kind is %q, want the EventKind schema", ref)
	}
	kinds := schemas["Notification"].Properties["kind"].Enum
	if len(kinds) == 0 {
		t.Error("Notification.kind lists no kinds")
	}
	for _, k := range kinds {
		if !casedesk.EventKind(k).Valid() {
			t.Errorf("Notification.kind %q is not an event kind", k)
		}
	}
}
