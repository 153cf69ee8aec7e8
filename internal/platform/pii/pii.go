// Package pii protects personal data at rest: field encryption with a key
// ring, a keyed blind index for exact search on encrypted fields, and
// masking for screens.
//
// The master key is 32 random bytes in a key file: SHEQU_KEY_FILE if set,
// otherwise <data dir>/shequ.key, generated on first start with mode 0600.
// With PostgreSQL and several `shequ serve` nodes, every node must use the
// same key file (set SHEQU_KEY_FILE on each to a copy of one file): a node
// with another key could neither read what the others wrote nor find it by
// its blind index. Bind records a fingerprint of the key in the database so
// that a node with a different key refuses to start instead.
package pii

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"shequ/internal/platform/db"
)

// KeyFileEnv names the environment variable with the key file's path,
// which cmd reads into the configuration.
const KeyFileEnv = "SHEQU_KEY_FILE"

// KeySize is the master key's length in bytes.
const KeySize = 32

// Sealed values start with a version: the algorithm and key generation, so
// that an SM4 option (for 密评 deployments) or a new key can be added while
// old values stay readable.
const versionAESGCM = "v1:"

// Ring holds the keys derived from the master key. It is safe for
// concurrent use.
type Ring struct {
	aead  cipher.AEAD
	index []byte    // HMAC key of the blind index
	macs  sync.Pool // of HMACs keyed with index, reset for reuse
	check string    // fingerprint of the master key, safe to store
}

// New derives a ring from a 32-byte master key. Each use gets its own
// subkey (HKDF-SHA256), so the index key reveals nothing about the
// encryption key.
func New(master []byte) (*Ring, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("pii: the key must be %d bytes, not %d", KeySize, len(master))
	}
	derive := func(info string) ([]byte, error) {
		return hkdf.Key(sha256.New, master, nil, info, 32)
	}
	enc, err := derive("shequ pii aes-256-gcm v1")
	if err != nil {
		return nil, err
	}
	idx, err := derive("shequ pii blind index v1")
	if err != nil {
		return nil, err
	}
	chk, err := derive("shequ pii key check v1")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(enc)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Ring{aead: aead, index: idx, check: hex.EncodeToString(chk[:16])}, nil
}

// Load reads the key file keyFile (the configuration's, from
// SHEQU_KEY_FILE), or when it is empty <dataDir>/shequ.key, creating the
// latter with a new random key if it does not exist. A key file that its
// group or others may access is refused. A missing keyFile is refused too:
// a node told to share a key must not make up its own.
func Load(dataDir, keyFile string) (*Ring, error) {
	path := keyFile
	if path == "" {
		if dataDir == "" {
			dataDir = "."
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("pii: create data directory: %w", err)
		}
		path = filepath.Join(dataDir, "shequ.key")
		if err := create(path); err != nil {
			return nil, err
		}
	}
	return LoadFile(path)
}

// create writes a new key to path unless a file is already there.
func create(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("pii: create key file: %w", err)
	}
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		f.Close()
		return err
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("pii: write key file: %w", err)
	}
	return nil
}

// LoadFile reads a key file: the key in base64 or hex, on one line.
func LoadFile(path string) (*Ring, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("pii: key file: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("pii: key file %s has mode %04o; its group and others must have no access (chmod 600 %s)", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pii: key file: %w", err)
	}
	s := strings.TrimSpace(string(b))
	var key []byte
	if len(s) == 2*KeySize {
		key, err = hex.DecodeString(s)
	} else {
		key, err = base64.StdEncoding.DecodeString(s)
	}
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("pii: key file %s must hold %d bytes in base64 or hex on one line", path, KeySize)
	}
	return New(key)
}

// Seal encrypts plaintext with AES-256-GCM and a random nonce. The empty
// string stays empty, so that "not given" needs no special column.
func (r *Ring) Seal(plaintext string) (string, error) {
	if plaintext == "" {
		return "", nil
	}
	nonce := make([]byte, r.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := r.aead.Seal(nonce, nonce, []byte(plaintext), []byte(versionAESGCM))
	return versionAESGCM + base64.RawStdEncoding.EncodeToString(out), nil
}

// ErrCorrupt is returned for a sealed value that does not open: damaged,
// or sealed with another key.
var ErrCorrupt = errors.New("pii: the sealed value does not open with this key")

// Open decrypts a value from Seal.
func (r *Ring) Open(sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	body, ok := strings.CutPrefix(sealed, versionAESGCM)
	if !ok {
		return "", fmt.Errorf("pii: unknown sealed value version %.3q", sealed)
	}
	raw, err := base64.RawStdEncoding.DecodeString(body)
	n := r.aead.NonceSize()
	if err != nil || len(raw) < n+r.aead.Overhead() {
		return "", ErrCorrupt
	}
	pt, err := r.aead.Open(nil, raw[:n], raw[n:], []byte(versionAESGCM))
	if err != nil {
		return "", ErrCorrupt
	}
	return string(pt), nil
}

// Index is the blind index of a value: HMAC-SHA256 with a key derived from
// the master key, hex. Equal values give equal indexes, so an encrypted
// column can be searched exactly; the caller normalises first (trims,
// upper-cases the X of an ID number). The empty string indexes as empty.
func (r *Ring) Index(value string) string {
	if value == "" {
		return ""
	}
	m, _ := r.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, r.index)
	} else {
		m.Reset()
	}
	m.Write([]byte(value))
	var sum [sha256.Size]byte
	out := hex.EncodeToString(m.Sum(sum[:0]))
	r.macs.Put(m)
	return out
}

// Fingerprint identifies the master key without revealing it.
func (r *Ring) Fingerprint() string { return r.check }

// Bind checks the key against the fingerprint kept in the database,
// recording it on first use. A different key is refused: data sealed with
// one key would be unreadable with the other.
func (r *Ring) Bind(ctx context.Context, d *db.DB) error {
	const name = "pii.key_fingerprint"
	var got string
	err := d.Writer().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, name).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = d.Writer().ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, name, r.check)
		if err != nil {
			return fmt.Errorf("pii: record key fingerprint: %w", err)
		}
		// Another node may have won the race with its own key: read again.
		err = d.Writer().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, name).Scan(&got)
	}
	if err != nil {
		return fmt.Errorf("pii: read key fingerprint: %w", err)
	}
	if got != r.check {
		return fmt.Errorf("pii: this database was written with another key (fingerprint %s, this key %s); every node must use the same key file (%s)", got, r.check, KeyFileEnv)
	}
	return nil
}

// Mask hides the middle of a value for display (a phone, an address; an
// ID number has MaskIDNumber): the first 3 and last 4 characters stay, the rest become *. A value of 7 characters or fewer
// would then show whole, so it keeps only its first and last character
// (or none when 2 or fewer).
func Mask(s string) string {
	r := []rune(s)
	n := len(r)
	keepHead, keepTail := 3, 4
	switch {
	case n == 0:
		return ""
	case n <= 2:
		keepHead, keepTail = 0, 0
	case n <= 7:
		keepHead, keepTail = 1, 1
	}
	out := make([]rune, n)
	for i, c := range r {
		if i < keepHead || i >= n-keepTail {
			out[i] = c
		} else {
			out[i] = '*'
		}
	}
	return string(out)
}

// MaskIDNumber hides a resident ID number for display: only its last 2
// characters stay, the rest become * (****************7X), the length kept.
// An ID number is region (6 digits), birth date (8), sequence (3) and a check
// character, and a screen that shows a masked number also shows the
// community (whose code begins with the county's, the usual region) and the
// age: with the first 3 and last 4 kept, the region, the birth date and the
// last 4 rebuilt the whole number from a known birthday, and ~33 candidates
// without one. With the last 2 kept, the sequence's first two digits and the
// birth date within the year of the age stay unknown: ~3,300 candidates
// (~9 even with a known birthday). The birth date itself is shown only with
// the unmasked number. A value that is already masked masks the same way, so
// masks stored by older versions (first 3 and last 4) can be masked again.
func MaskIDNumber(s string) string {
	r := []rune(strings.TrimSpace(s))
	n := len(r)
	keep := 2
	if n <= 4 {
		keep = 0
	}
	return strings.Repeat("*", n-keep) + string(r[n-keep:])
}

// MaskName hides a person's name for lists: the surname and, for names of
// three or more characters, the last character stay (张*明, 王*, 欧**华).
func MaskName(s string) string {
	r := []rune(strings.TrimSpace(s))
	switch n := len(r); {
	case n == 0:
		return ""
	case n == 1:
		return "*"
	case n == 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", n-2) + string(r[n-1])
	}
}
