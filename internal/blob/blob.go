// Package blob keeps attachment contents on disk, named by their SHA-256, so
// a file is stored once however often it is attached and a name can never
// reach outside the directory.
package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
)

// Store is a directory of content-addressed files.
type Store struct{ dir string }

// Open returns the store in dir, creating it.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Store{dir: dir}, nil
}

// ErrTooLarge is returned when content exceeds the limit given to Put.
var ErrTooLarge = errors.New("blob: content over the size limit")

// Info describes stored content.
type Info struct {
	SHA256      string
	Size        int64
	ContentType string // sniffed from the bytes, never taken from the client
}

// Put stores r's content, at most limit bytes, durably: written to a
// temporary file, synced, renamed into place and the directory synced, so a
// stored blob survives a crash once Put returns.
func (s *Store) Put(r io.Reader, limit int64) (Info, error) {
	f, err := os.CreateTemp(filepath.Join(s.dir, "tmp"), "up-*")
	if err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	h := sha256.New()
	var head [512]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return Info{}, fmt.Errorf("blob: read: %w", err)
	}
	mr := io.MultiReader(bytes.NewReader(head[:n]), r)
	size, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(mr, limit+1))
	if err != nil {
		return Info{}, fmt.Errorf("blob: write: %w", err)
	}
	if size > limit {
		return Info{}, ErrTooLarge
	}
	if err := f.Sync(); err != nil {
		return Info{}, fmt.Errorf("blob: sync: %w", err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	final := s.path(sum)
	if err := os.MkdirAll(filepath.Dir(final), 0o750); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(f.Name(), final); err != nil {
		return Info{}, fmt.Errorf("blob: %w", err)
	}
	if d, err := os.Open(filepath.Dir(final)); err == nil {
		d.Sync()
		d.Close()
	}
	return Info{SHA256: sum, Size: size, ContentType: http.DetectContentType(head[:n])}, nil
}

// Open returns the content with the hash.
func (s *Store) Open(sum string) (*os.File, error) {
	if len(sum) != 64 {
		return nil, errors.New("blob: bad hash")
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return nil, errors.New("blob: bad hash")
	}
	return os.Open(s.path(sum))
}

func (s *Store) path(sum string) string { return filepath.Join(s.dir, sum[:2], sum) }
