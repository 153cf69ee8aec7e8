package auditlog

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"shequ/internal/platform/web"
)

type auditSearchInput struct {
	Actor      string `query:"actor" doc:"account name of whoever acted"`
	Action     string `query:"action" doc:"prefix of the action, e.g. division. or auth.login"`
	ObjectType string `query:"object_type" doc:"type of the object acted on, e.g. division or user"`
	ObjectID   string `query:"object_id" doc:"id of the object; needs object_type"`
	Result     string `query:"result" doc:"ok, denied or failed"`
	From       string `query:"from" doc:"from this day (YYYY-MM-DD, Asia/Shanghai) or time (RFC 3339), inclusive"`
	To         string `query:"to" doc:"up to this day (YYYY-MM-DD, Asia/Shanghai, inclusive) or time (RFC 3339, exclusive)"`
	Page       int    `query:"page" doc:"page number from 1" default:"1"`
	PerPage    int    `query:"per_page" doc:"records per page, at most 200" default:"50"`
}

// APIRecord is one record of the log as the API gives it.
type APIRecord struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at" doc:"UTC"`
	ActorID    *int64    `json:"actor_id,omitempty"`
	Actor      string    `json:"actor"`
	Role       string    `json:"role"`
	Area       string    `json:"area"`
	Action     string    `json:"action"`
	ObjectType string    `json:"object_type"`
	ObjectID   string    `json:"object_id"`
	Result     string    `json:"result"`
	ClientAddr string    `json:"client_addr"`
	Detail     any       `json:"detail" doc:"what the action recorded, usually before and after values; null when nothing"`
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// AuditPage is one page of records. Named types keep huma's schema names
// apart from other slices' pages.
type AuditPage struct {
	Items []APIRecord `json:"items"`
	Page  int         `json:"page"`
	More  bool        `json:"more" doc:"whether another page follows"`
}

type auditSearchOutput struct{ Body AuditPage }

// RegisterAPI adds GET /api/v1/audit.
func (s *Service) RegisterAPI(api huma.API) {
	huma.Register(api, huma.Operation{OperationID: "search-audit-log", Method: http.MethodGet, Path: "/api/v1/audit",
		Summary:     "Search the audit log, newest first (auditors only)",
		Description: "Every other role gets 403, and its attempt is itself recorded in the log. An auditor reads the records of people acting inside their area; records without an area (the system, callers not signed in) only an auditor of the city or above.",
		Tags:        []string{"audit"}},
		func(ctx context.Context, in *auditSearchInput) (*auditSearchOutput, error) {
			items, f, more, err := s.Search(ctx, Query{Actor: in.Actor, Action: in.Action, ObjectType: in.ObjectType,
				ObjectID: in.ObjectID, Result: in.Result, From: in.From, To: in.To, Page: in.Page, PerPage: in.PerPage})
			if err != nil {
				return nil, web.APIErr(ctx, err)
			}
			out := &auditSearchOutput{}
			out.Body.Items, out.Body.Page, out.Body.More = []APIRecord{}, f.Page, more
			for _, r := range items {
				var detail any
				if r.Detail != "" && json.Unmarshal([]byte(r.Detail), &detail) != nil {
					detail = r.Detail
				}
				out.Body.Items = append(out.Body.Items, APIRecord{ID: r.ID, At: r.At.UTC(), ActorID: r.ActorID, Actor: r.ActorName,
					Role: r.Role, Area: r.Area, Action: r.Action, ObjectType: r.ObjectType, ObjectID: r.ObjectID, Result: r.Result,
					ClientAddr: r.ClientAddr, Detail: detail, PrevHash: r.PrevHash, Hash: r.Hash})
			}
			return out, nil
		})
}
