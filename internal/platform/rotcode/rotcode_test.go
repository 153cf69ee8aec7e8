package rotcode

import (
	"testing"
	"time"
)

func TestVerifyWindows(t *testing.T) {
	c := Codes{Key: []byte("k")}
	now := time.Unix(1_800_000_000, 0)
	w := c.WindowOf(now)
	code := c.At("s", w)
	if len(code) != Len || c.At("t", w) == code || c.At("s", w+1) == code {
		t.Fatalf("codes: %q", code)
	}
	if got, r := c.Verify("s", " "+code[:4]+"-"+code[4:]+" ", now); r != Valid || got != w {
		t.Fatalf("current: %d %v", got, r)
	}
	if _, r := c.Verify("s", code, now.Add(DefaultWindow)); r != Valid {
		t.Fatalf("previous window: %v", r)
	}
	if _, r := c.Verify("s", code, now.Add(2*DefaultWindow)); r != Expired {
		t.Fatalf("two windows later: %v", r)
	}
	if _, r := c.Verify("t", code, now); r != Forged {
		t.Fatalf("other subject: %v", r)
	}
	if (Codes{Key: []byte("other")}).At("s", w) == code {
		t.Fatal("the key makes no difference")
	}
}
