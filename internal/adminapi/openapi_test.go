package adminapi

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes checks that the OpenAPI document describes
// every route both APIs register, and nothing they do not: the Admin
// API's from routes(), the public API's from the mux registrations in
// internal/api/routes.go.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	t.Parallel()
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	// Every reference resolves.
	var all map[string]any
	if err := json.Unmarshal(openAPI, &all); err != nil {
		t.Fatal(err)
	}
	schemas := all["components"].(map[string]any)["schemas"].(map[string]any)
	for _, m := range regexp.MustCompile(`"\$ref": *"#/components/schemas/([^"]+)"`).FindAllSubmatch(openAPI, -1) {
		if _, ok := schemas[string(m[1])]; !ok {
			t.Errorf("openapi.json refers to the schema %q, which it does not define", m[1])
		}
	}
	var registered []string
	for _, rt := range New(Config{}).routes() {
		registered = append(registered, rt.pattern)
	}
	src, err := os.ReadFile("../api/routes.go")
	if err != nil {
		t.Fatal(err)
	}
	public := regexp.MustCompile(`mux\.Handle(?:Func)?\("([A-Z]+ /api/v1/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(public) < 5 {
		t.Fatalf("found %d public routes in internal/api/routes.go; has its registration changed shape?", len(public))
	}
	for _, m := range public {
		registered = append(registered, m[1])
	}
	var documented []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %q is not in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("openapi.json documents %q, which no API registers", d)
		}
	}
}
