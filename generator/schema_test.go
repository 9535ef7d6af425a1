package generator

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/policysite/policysite/generator/machine"
)

// compileSchema compiles the schema policies.json follows, with formats
// (date, uri) asserted.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(machine.Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("policies.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("policies.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestPoliciesJSONSchema: the example site's policies.json, as built,
// follows the schema published beside it, and the schema is not so loose
// that anything would: the same file with a certification's expiry
// misspelt, a processor without its data, a status no site has, a
// certificate's status in a policy's words (or the other way) or an
// unknown field fails.
func TestPoliciesJSONSchema(t *testing.T) {
	res := buildExample(t)
	var built []byte
	for _, o := range res.Outputs {
		if o.Path == "policies.json" {
			built = o.Body
		}
		if o.Path == "policies.schema.json" && !bytes.Equal(o.Body, machine.Schema) {
			t.Error("the published schema is not machine.Schema")
		}
	}
	sch := compileSchema(t)
	valid := func(b []byte) error {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return sch.Validate(v)
	}
	if err := valid(built); err != nil {
		t.Fatalf("policies.json does not follow its schema: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(built, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc["certifications"].([]any)) != 2 || len(doc["processors"].([]any)) != 5 {
		t.Fatalf("the example's certifications and processors are not all in policies.json: %s", built)
	}
	for _, tc := range []struct{ name, from, to string }{
		{"expiry misspelt", `"expires":"2027-02-09"`, `"expiry":"2027-02-09"`},
		{"an impossible date", `"expires":"2027-02-09"`, `"expires":"2027-02-30"`},
		{"a processor without data", `"data":["pupil records","attendance","assessment results","parents' contact details"],`, ``},
		{"a status no site has", `"status":"due-soon"`, `"status":"soon"`},
		{"a certificate in a policy's words", `"status":"expiring"`, `"status":"due-soon"`},
		{"a policy in a certificate's words", `"status":"due-soon"`, `"status":"expiring"`},
		{"terms over http", `"terms":"https://www.brightdesk.example/legal/dpa"`, `"terms":"http://www.brightdesk.example/legal/dpa"`},
		{"an unknown field", `"status_as_of"`, `"status_date":"2026-11-23","status_as_of"`},
	} {
		b := strings.Replace(string(built), tc.from, tc.to, 1)
		if b == string(built) {
			t.Fatalf("%s: %s is not in policies.json", tc.name, tc.from)
		}
		if err := valid([]byte(b)); err == nil {
			t.Errorf("%s: the schema accepts it", tc.name)
		}
	}
}
