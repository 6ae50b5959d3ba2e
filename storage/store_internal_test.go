package storage

import (
	"context"
	"os"
	"testing"
	"time"
)

// TestConnectionSettings checks what Open asks of the server: binary
// parameters (one round trip a statement) everywhere, and commits that do
// not wait for the disk only on the counter's connections.
func TestConnectionSettings(t *testing.T) {
	t.Parallel()
	dsn := os.Getenv("TEST_DATABASE_URL")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatalf("PostgreSQL not answering: %v", err)
	}
	defer s.Close()
	cases := []struct {
		name string
		q    ext
		want string
	}{
		{"main pool commits synchronously", s.db, "on"},
		{"counter pool does not wait", s.seq, "off"},
	}
	for _, c := range cases {
		var got string
		if err := c.q.GetContext(ctx, &got, "SHOW synchronous_commit"); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s: synchronous_commit=%s, want %s", c.name, got, c.want)
		}
	}
}
