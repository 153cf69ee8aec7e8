package sms

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// fakeGateway plays an SMS gateway: it checks the signature, delivers each
// request id once, and fails the first failFirst attempts of each id with
// a 502 after delivering (an answer lost on the way back).
type fakeGateway struct {
	mu        sync.Mutex
	secret    string
	failFirst int
	refuse    bool
	attempts  map[string]int
	delivered []GatewayRequest
}

func (f *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	answer := func(status int, code string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(GatewayResponse{Code: code, Message: code, RequestID: r.Header.Get(HeaderRequestID)})
	}
	if r.Header.Get(HeaderAccessKey) != "key-1" || r.Header.Get(HeaderSignature) != Sign(f.secret, body) {
		answer(http.StatusForbidden, "SignatureDoesNotMatch")
		return
	}
	var req GatewayRequest
	if err := json.Unmarshal(body, &req); err != nil || req.RequestID != r.Header.Get(HeaderRequestID) {
		answer(http.StatusBadRequest, "InvalidParameter")
		return
	}
	if f.refuse {
		answer(http.StatusBadRequest, "isv.MOBILE_NUMBER_ILLEGAL")
		return
	}
	f.mu.Lock()
	f.attempts[req.RequestID]++
	n := f.attempts[req.RequestID]
	if n == 1 {
		f.delivered = append(f.delivered, req)
	}
	f.mu.Unlock()
	if n <= f.failFirst {
		answer(http.StatusBadGateway, "ServiceUnavailable")
		return
	}
	answer(http.StatusOK, "OK")
}

func newGateway(t *testing.T, f *fakeGateway) *Gateway {
	f.secret, f.attempts = "secret-1", map[string]int{}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return &Gateway{URL: srv.URL, AccessKey: "key-1", Secret: "secret-1", SignName: "衡水社区",
		Templates: map[string]string{"signup_code": "SMS_100001"}, Client: srv.Client(), Attempts: 3, Backoff: time.Millisecond}
}

var codeMessage = Message{Phone: "13800001111", Template: "signup_code", Params: map[string]string{"code": "123456"}, Text: "验证码 123456"}

func TestGatewayDelivers(t *testing.T) {
	f := &fakeGateway{}
	g := newGateway(t, f)
	if err := g.Send(context.Background(), codeMessage); err != nil {
		t.Fatal(err)
	}
	if len(f.delivered) != 1 {
		t.Fatalf("delivered %d, want 1", len(f.delivered))
	}
	d := f.delivered[0]
	if d.PhoneNumber != "13800001111" || d.TemplateCode != "SMS_100001" || d.SignName != "衡水社区" || d.TemplateParam["code"] != "123456" || d.RequestID == "" {
		t.Fatalf("the gateway received %+v", d)
	}
}

func TestGatewayDoesNotRetryARefusal(t *testing.T) {
	f := &fakeGateway{refuse: true}
	g := newGateway(t, f)
	err := g.Send(context.Background(), codeMessage)
	var refused *Refused
	if !errors.As(err, &refused) || refused.Status != http.StatusBadRequest || refused.Code != "isv.MOBILE_NUMBER_ILLEGAL" {
		t.Fatalf("err = %v, want the gateway's refusal", err)
	}
	if len(f.attempts) != 0 || len(f.delivered) != 0 {
		t.Fatalf("a refusal was retried or delivered: %v %v", f.attempts, f.delivered)
	}
	// A wrong secret is a refusal too.
	g.Secret = "wrong"
	f.refuse = false
	if err := g.Send(context.Background(), codeMessage); !errors.As(err, &refused) || refused.Code != "SignatureDoesNotMatch" {
		t.Fatalf("bad signature: %v", err)
	}
}

func TestGatewayRetriesA5xxWithoutASecondSend(t *testing.T) {
	f := &fakeGateway{failFirst: 1}
	g := newGateway(t, f)
	if err := g.Send(context.Background(), codeMessage); err != nil {
		t.Fatal(err)
	}
	if len(f.delivered) != 1 {
		t.Fatalf("delivered %d, want exactly 1", len(f.delivered))
	}
	if n := f.attempts[f.delivered[0].RequestID]; n != 2 {
		t.Fatalf("%d attempts with the request id, want 2 (the retry keeps the id)", n)
	}
	// The caller's own id is the request id.
	m := codeMessage
	m.ID = "outbox-42"
	if err := g.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if f.delivered[1].RequestID != "outbox-42" {
		t.Fatalf("request id %q, want the message's", f.delivered[1].RequestID)
	}
}

func TestGatewayGivesUpAfterItsAttempts(t *testing.T) {
	f := &fakeGateway{failFirst: 10}
	g := newGateway(t, f)
	err := g.Send(context.Background(), codeMessage)
	var refused *Refused
	if err == nil || errors.As(err, &refused) {
		t.Fatalf("err = %v, want a retryable failure", err)
	}
	if len(f.delivered) != 1 || f.attempts[f.delivered[0].RequestID] != 3 {
		t.Fatalf("attempts %v, want 3 of one id", f.attempts)
	}
	// A server that does not answer is retried the same way.
	g.URL = "http://127.0.0.1:1/send"
	if err := g.Send(context.Background(), codeMessage); err == nil {
		t.Fatal("a closed port sent the message")
	}
	// An unknown template is not sent at all.
	if err := g.Send(context.Background(), Message{Phone: "13800001111", Template: "nope"}); !errors.Is(err, ErrNoTemplate) {
		t.Fatalf("unknown template: %v", err)
	}
}
