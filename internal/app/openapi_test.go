package app_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"shequ/internal/app/apptest"
)

// TestPagedListsTakeTheirQuery: every GET operation that answers a page
// of a list (a body with `more`) takes `page` and `per_page` in its query,
// as the OpenAPI document says. huma reads no query fields from an
// embedded struct whose type is unexported: the needs, resources,
// projects, compounds, committees, topics, meetings, survey rounds and
// burden lists once ignored their filters and paging that way, and said
// nothing of them in the document.
func TestPagedListsTakeTheirQuery(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	res := e.NewClient().Get("/api/v1/openapi.json")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("openapi: %d", res.StatusCode)
	}
	type schema struct {
		Ref        string                     `json:"$ref"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Responses map[string]struct {
				Content map[string]struct {
					Schema schema `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	res.JSON(t, &doc)
	// These answer the whole list (their more is always false), or the
	// first 20 matches.
	whole := map[string]bool{"list-meeting-attendance": true, "list-meeting-votes": true, "list-objections": true,
		"list-published-decisions": true, "list-deliberation-rules": true, "pick-division": true}
	var paged []string
	for path, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok {
			continue
		}
		body := op.Responses["200"].Content["application/json"].Schema
		if body.Ref != "" {
			body = doc.Components.Schemas[strings.TrimPrefix(body.Ref, "#/components/schemas/")]
		}
		if _, ok := body.Properties["more"]; !ok {
			continue
		}
		if whole[op.OperationID] {
			continue
		}
		paged = append(paged, op.OperationID)
		query := map[string]bool{}
		for _, p := range op.Parameters {
			if p.In == "query" {
				query[p.Name] = true
			}
		}
		for _, want := range []string{"page", "per_page"} {
			if !query[want] {
				t.Errorf("%s (GET %s) answers a page but takes no %q", op.OperationID, path, want)
			}
		}
	}
	sort.Strings(paged)
	for _, want := range []string{"list-needs", "list-resources", "list-projects", "list-property-compounds", "list-property-committees",
		"list-topics", "list-meetings", "list-survey-rounds", "burden-items", "burden-admissions"} {
		if i := sort.SearchStrings(paged, want); i == len(paged) || paged[i] != want {
			t.Errorf("%s is not among the paged lists %q", want, paged)
		}
	}
}
