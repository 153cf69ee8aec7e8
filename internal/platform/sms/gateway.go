package sms

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Gateway is the production sender: an HTTP SMS gateway in the shape of
// 阿里云 SendSms and 腾讯云 SendSms. Each message is one POST of a JSON body
// (number, sign name, the gateway's template code and its parameters, and
// a request id), signed with HMAC-SHA256 over the body with the secret; the
// gateway answers {"code":"OK"} or an error code.
//
// A 5xx answer, a timeout or a broken connection is retried with a doubling
// pause, a bounded number of times, with the same request id: a gateway that
// took the message but whose answer was lost recognises the id and does not
// send it twice. A 4xx answer or an error code is the gateway's refusal
// (a bad number, an unapproved template, the account's quota) and is not
// retried: sending it again would be refused again.
type Gateway struct {
	URL       string            // e.g. https://sms.example.com/send
	AccessKey string            // the account's key id, sent in a header
	Secret    string            // signs each body; never sent
	SignName  string            // the approved signature, e.g. 衡水社区
	Templates map[string]string // our template id → the gateway's template code
	Client    *http.Client      // nil: a client with a 10 s timeout
	// Attempts bounds the tries of one message (0: 4); Backoff is the
	// first pause between them (0: 500 ms), doubled after each.
	Attempts int
	Backoff  time.Duration
}

// Header names of the signed request.
const (
	HeaderAccessKey = "X-Sms-Access-Key"
	HeaderRequestID = "X-Sms-Request-Id"
	HeaderTimestamp = "X-Sms-Timestamp"
	HeaderSignature = "X-Sms-Signature"
)

// GatewayRequest is the body the gateway receives.
type GatewayRequest struct {
	PhoneNumber   string            `json:"phone_number"`
	SignName      string            `json:"sign_name"`
	TemplateCode  string            `json:"template_code"`
	TemplateParam map[string]string `json:"template_param"`
	RequestID     string            `json:"request_id"`
}

// GatewayResponse is the gateway's answer.
type GatewayResponse struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id"`
}

// Refused is the gateway's refusal of a message: not retried.
type Refused struct {
	Status int
	Code   string
	Detail string
}

func (e *Refused) Error() string {
	return fmt.Sprintf("sms gateway refused the message: HTTP %d, code %s: %s", e.Status, e.Code, e.Detail)
}

// ErrNoTemplate: the message's template has no code at the gateway.
var ErrNoTemplate = errors.New("sms: no gateway template code for this template")

// Sign is the signature of body with secret: hex HMAC-SHA256.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// NewRequestID makes an idempotency key for a message that has none.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Send delivers m, retrying what may be retried. m.ID, when set, is the
// request id (so a message the caller sends again, e.g. from an outbox after
// a crash, is the same message to the gateway); otherwise one is made for
// this call and kept across its retries.
func (g *Gateway) Send(ctx context.Context, m Message) error {
	code, ok := g.Templates[m.Template]
	if !ok || code == "" {
		return fmt.Errorf("%w: %q", ErrNoTemplate, m.Template)
	}
	id := m.ID
	if id == "" {
		id = NewRequestID()
	}
	params := m.Params
	if params == nil {
		params = map[string]string{}
	}
	body, err := json.Marshal(GatewayRequest{PhoneNumber: m.Phone, SignName: g.SignName, TemplateCode: code, TemplateParam: params, RequestID: id})
	if err != nil {
		return fmt.Errorf("sms.Gateway.Send: marshal: %w", err)
	}
	attempts, pause := g.Attempts, g.Backoff
	if attempts <= 0 {
		attempts = 4
	}
	if pause <= 0 {
		pause = 500 * time.Millisecond
	}
	var last error
	for i := range attempts {
		if i > 0 {
			t := time.NewTimer(pause)
			select {
			case <-ctx.Done():
				t.Stop()
				return fmt.Errorf("sms.Gateway.Send: %w (last: %v)", ctx.Err(), last)
			case <-t.C:
			}
			pause *= 2
		}
		last = g.post(ctx, id, body)
		var refused *Refused
		if last == nil || errors.As(last, &refused) {
			return last
		}
	}
	return fmt.Errorf("sms.Gateway.Send: %d attempts: %w", attempts, last)
}

// post makes one attempt: nil when the gateway took the message, a
// *Refused when it refused it, any other error when it may be retried.
func (g *Gateway) post(ctx context.Context, id string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return &Refused{Code: "BadURL", Detail: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set(HeaderAccessKey, g.AccessKey)
	req.Header.Set(HeaderRequestID, id)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(time.Now().Unix(), 10))
	req.Header.Set(HeaderSignature, Sign(g.Secret, body))
	c := g.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	res, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("sms gateway: %w", err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("sms gateway: read answer: %w", err)
	}
	var ans GatewayResponse
	_ = json.Unmarshal(raw, &ans)
	switch {
	case res.StatusCode >= 500:
		return fmt.Errorf("sms gateway: HTTP %d: %s", res.StatusCode, ans.Message)
	case res.StatusCode >= 400:
		return &Refused{Status: res.StatusCode, Code: ans.Code, Detail: ans.Message}
	case ans.Code != "OK":
		return &Refused{Status: res.StatusCode, Code: ans.Code, Detail: ans.Message}
	}
	return nil
}
