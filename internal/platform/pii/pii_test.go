package pii

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shequ/internal/platform/db/dbtest"
)

func testRing(t *testing.T, b byte) *Ring {
	t.Helper()
	r, err := New(bytes.Repeat([]byte{b}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealOpen(t *testing.T) {
	r := testRing(t, 1)
	for _, pt := range []string{"13111219800101123X", "衡水市桃城区人民东路 1 号", "a"} {
		s1, err := r.Seal(pt)
		if err != nil {
			t.Fatal(err)
		}
		s2, _ := r.Seal(pt)
		if !strings.HasPrefix(s1, "v1:") {
			t.Errorf("sealed %q lacks the version prefix", s1)
		}
		if s1 == s2 {
			t.Errorf("two seals of %q are equal: the nonce is not random", pt)
		}
		// One letter may turn up in base64 by chance; longer values may not.
		if len(pt) > 4 && strings.Contains(s1, pt) {
			t.Errorf("sealed value shows the plaintext")
		}
		got, err := r.Open(s1)
		if err != nil || got != pt {
			t.Errorf("Open = %q, %v; want %q", got, err, pt)
		}
	}
	if s, _ := r.Seal(""); s != "" {
		t.Errorf("Seal(\"\") = %q, want empty", s)
	}
	if s, err := r.Open(""); s != "" || err != nil {
		t.Errorf("Open(\"\") = %q, %v", s, err)
	}
}

func TestOpenRefusesTamperingAndOtherKeys(t *testing.T) {
	r := testRing(t, 1)
	s, _ := r.Seal("13800138000")
	// Flip one character of the ciphertext.
	b := []byte(s)
	i := len(b) - 5
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	if _, err := r.Open(string(b)); err == nil {
		t.Error("a tampered value opened")
	}
	if _, err := testRing(t, 2).Open(s); err == nil {
		t.Error("a value opened with another key")
	}
	if _, err := r.Open("v9:abc"); err == nil || !strings.Contains(err.Error(), "version") {
		t.Errorf("unknown version: %v", err)
	}
	if _, err := r.Open("v1:!!"); err == nil {
		t.Error("garbage opened")
	}
}

func TestIndex(t *testing.T) {
	r := testRing(t, 1)
	a, b := r.Index("13800138000"), r.Index("13800138000")
	if a != b || len(a) != 64 {
		t.Errorf("index not stable: %q %q", a, b)
	}
	if r.Index("13800138001") == a {
		t.Error("different values index alike")
	}
	if testRing(t, 2).Index("13800138000") == a {
		t.Error("the index does not depend on the key")
	}
	if r.Index("") != "" {
		t.Error("empty value should index as empty")
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"ab":                 "**",
		"abc":                "a*c",
		"1234567":            "1*****7",
		"13800138000":        "138****8000",
		"13111219800101123X": "131***********123X",
		"河北省衡水市桃城区人民路":       "河北省*****区人民路",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadGeneratesAndReuses(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	r1, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "shequ.key"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o, want 0600", st.Mode().Perm())
	}
	r2, err := Load(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	s, _ := r1.Seal("x1")
	if got, err := r2.Open(s); err != nil || got != "x1" {
		t.Errorf("second load made another key: %q %v", got, err)
	}
}

func TestLoadRefusesOpenPermissions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := Load(dir, ""); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "shequ.key")
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(dir, ""); err == nil || !strings.Contains(err.Error(), "chmod 600") {
			t.Errorf("mode %04o: err = %v, want a refusal", mode, err)
		}
	}
}

func TestLoadKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "shared.key")
	if _, err := Load(dir, path); err == nil {
		t.Error("a missing SHEQU_KEY_FILE was not refused")
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a key was made up at SHEQU_KEY_FILE")
	}
	hexKey := strings.Repeat("0a", KeySize)
	if err := os.WriteFile(path, []byte(hexKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Load(dir, path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Fingerprint() != testRing(t, 0x0a).Fingerprint() {
		t.Error("hex key file read as another key")
	}
	if _, err := os.Stat(filepath.Join(dir, "shequ.key")); err == nil {
		t.Error("a key was generated in the data dir although SHEQU_KEY_FILE is set")
	}
	if err := os.WriteFile(path, []byte("too short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir, path); err == nil || !strings.Contains(err.Error(), "32 bytes") {
		t.Errorf("bad key file: %v", err)
	}
}

func TestBindRefusesAnotherKey(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	ctx := context.Background()
	if err := testRing(t, 1).Bind(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := testRing(t, 1).Bind(ctx, d); err != nil {
		t.Errorf("same key refused: %v", err)
	}
	if err := testRing(t, 2).Bind(ctx, d); err == nil || !strings.Contains(err.Error(), "another key") {
		t.Errorf("another key: %v", err)
	}
}

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{"张建国": "张*国", "王芳": "王*", "欧阳振华": "欧**华", "李": "*", "": ""} {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskIDNumber(t *testing.T) {
	for in, want := range map[string]string{
		"":                    "",
		"1234":                "****",
		"13111219800101123X":  "****************3X",
		"131***********5727":  "****************27", // an older mask masks again
		" 110101199003074477": "****************77",
	} {
		if got := MaskIDNumber(in); got != want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", in, got, want)
		}
	}
	// No more than 2 characters of a number show: with the community's
	// county and the age, the rest cannot be rebuilt.
	shown := 0
	for _, c := range MaskIDNumber("13111219800101123X") {
		if c != '*' {
			shown++
		}
	}
	if shown != 2 {
		t.Errorf("%d characters shown, want 2", shown)
	}
}
