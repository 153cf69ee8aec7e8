package idcard

import (
	"testing"
	"time"
)

// make builds a valid number from 17 digits.
func make17(first17 string) string { return first17 + string(CheckChar(first17)) }

func TestParse(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	good := make17("13110219450312002") // 衡水桃城, born 1945-03-12, sequence ...2 → female
	info, e := Parse(good, now)
	if e != "" {
		t.Fatalf("%s: %s", good, e)
	}
	if !info.Female || info.Birth.Format("2006-01-02") != "1945-03-12" || info.Region != "131102" || info.Age(now) != 81 {
		t.Fatalf("info %+v age %d", info, info.Age(now))
	}
	// The national standard's published example ends in X.
	if _, e := Parse("11010519491231002X", now); e != "" {
		t.Fatalf("standard example: %s", e)
	}
	if _, e := Parse("11010519491231002x", now); e != "" {
		t.Fatal("lower-case x refused")
	}
	bad := []struct{ in, want string }{
		{"1311021945031200", ErrShape},
		{"13110219450312002A", ErrShape},
		{make17("13110219450230002"), ErrBirth}, // 30 February
		{make17("13110220300101002"), ErrBirth}, // in the future
		{good[:17] + string("0123456789X"[(indexOf(good[17])+1)%11]), ErrChecksum},
	}
	for _, b := range bad {
		if _, e := Parse(b.in, now); e != b.want {
			t.Errorf("%s: got %q, want %q", b.in, e, b.want)
		}
	}
	if info, _ := Parse(make17("13110219800601001"), now); info.Female {
		t.Error("odd sequence digit is male")
	}
}

func indexOf(c byte) int {
	for i, x := range []byte("0123456789X") {
		if x == c {
			return i
		}
	}
	return 0
}

func TestFindInText(t *testing.T) {
	id := make17("13110219450312002")
	text := []byte("x" + id + " tel 13912345678 and 0139123456789 and 1391234567 and 11010519491231002Y")
	ids, mobiles := FindInText(text)
	if len(ids) != 1 || ids[0] != id {
		t.Fatalf("ids %v", ids)
	}
	if len(mobiles) != 1 || mobiles[0] != "13912345678" {
		t.Fatalf("mobiles %v", mobiles)
	}
	if !ValidMobile("13912345678") || ValidMobile("12912345678") {
		t.Fatal("ValidMobile")
	}
}
