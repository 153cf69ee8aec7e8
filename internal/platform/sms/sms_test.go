package sms

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestBoxKeepsMessagesAndMasksTheLog(t *testing.T) {
	var buf bytes.Buffer
	b := &Box{Log: slog.New(slog.NewTextHandler(&buf, nil))}
	ctx := context.Background()
	for _, m := range []Message{
		{Phone: "13800001111", Template: "signup_code", Params: map[string]string{"code": "111111"}, Text: "code 111111"},
		{Phone: "13900002222", Template: "signup_code", Params: map[string]string{"code": "222222"}, Text: "code 222222"},
		{Phone: "13800001111", Template: "signup_code", Params: map[string]string{"code": "333333"}, Text: "code 333333"},
	} {
		if err := b.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(b.Messages()); n != 3 {
		t.Fatalf("the box holds %d messages, want 3", n)
	}
	last, ok := b.Last("13800001111")
	if !ok || last.Params["code"] != "333333" {
		t.Fatalf("Last = %+v, %v; want the newest message to that number", last, ok)
	}
	if _, ok := b.Last("13700000000"); ok {
		t.Fatal("Last found a message to a number nobody wrote to")
	}
	if strings.Contains(buf.String(), "13800001111") || !strings.Contains(buf.String(), "138****1111") {
		t.Fatalf("the log must hold masked numbers only: %s", buf.String())
	}
}
