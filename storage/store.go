package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Sentinel errors callers branch on with errors.Is.
var (
	ErrNotFound       = errors.New("not found")
	ErrDuplicate      = errors.New("duplicate")
	ErrAlreadyClaimed = errors.New("already claimed")
	ErrNotAllowed     = errors.New("not allowed")
)

// ext is what both a pool and a transaction offer; Queries runs on either.
type ext interface {
	sqlx.ExtContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// Queries holds every statement. It is embedded in Store (autocommit on the
// pool) and in Tx (inside one transaction), so each method exists once.
type Queries struct {
	db  ext
	seq ext // the ticket counter: autocommit, synchronous_commit off
}

// Store is the database handle.
type Store struct {
	Queries
	db  *sqlx.DB
	seq *sqlx.DB
}

// Tx is one open transaction; its methods are those of Queries.
type Tx struct {
	Queries
	tx *sqlx.Tx
}

// Open connects to url and checks the connection. Unless the URL says
// otherwise, parameters are sent in binary, which lets lib/pq run each
// statement in one round trip instead of two.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := sqlx.Open("postgres", withBinaryParameters(dsn))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	// A few connections whose commits do not wait for the disk, for the
	// ticket counter only. lib/pq passes synchronous_commit to the server as
	// a run-time parameter.
	seq, err := sqlx.Open("postgres", withParam(withBinaryParameters(dsn), "synchronous_commit", "off"))
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	seq.SetMaxOpenConns(4)
	seq.SetMaxIdleConns(4)
	return &Store{Queries: Queries{db: db, seq: seq}, db: db, seq: seq}, nil
}

func withBinaryParameters(dsn string) string { return withParam(dsn, "binary_parameters", "yes") }

// withParam sets a connection parameter in a URL-form DSN unless present.
func withParam(dsn, key, value string) string {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn
	}
	q := u.Query()
	if q.Get(key) == "" {
		q.Set(key, value)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Close releases the pools.
func (s *Store) Close() error { return errors.Join(s.seq.Close(), s.db.Close()) }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// DB exposes the pool for tests and tooling that need raw access.
func (s *Store) DB() *sqlx.DB { return s.db }

// Migrate applies all pending migrations and returns how many ran.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, s.db.DB, mustSub(migrations, "migrations"))
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}

// InTx runs fn in one transaction, committing when fn returns nil.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Tx{Queries: Queries{db: tx, seq: s.seq}, tx: tx}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Savepoint marks a point in the transaction to roll back to.
func (t *Tx) Savepoint(ctx context.Context, name string) error {
	if !schemaName.MatchString(name) {
		return fmt.Errorf("savepoint name %q", name)
	}
	_, err := t.tx.ExecContext(ctx, "SAVEPOINT "+name)
	return err
}

// RollbackToSavepoint undoes the transaction's work since the savepoint and
// leaves the transaction usable.
func (t *Tx) RollbackToSavepoint(ctx context.Context, name string) error {
	if !schemaName.MatchString(name) {
		return fmt.Errorf("savepoint name %q", name)
	}
	_, err := t.tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+name)
	return err
}

// mapErr turns driver errors into sentinels.
func mapErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pe *pq.Error
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrDuplicate, pe.Constraint)
	}
	return err
}

// CreateSchema makes a fresh schema in the database at baseURL and returns
// a URL that uses it and a function that drops it: for `concierge bench`
// and tools that must not touch real data.
func CreateSchema(ctx context.Context, baseURL, name string) (string, func(context.Context) error, error) {
	if !schemaName.MatchString(name) {
		return "", nil, fmt.Errorf("schema name %q: want lower-case letters, digits and _", name)
	}
	db, err := sqlx.ConnectContext(ctx, "postgres", baseURL)
	if err != nil {
		return "", nil, fmt.Errorf("connect: %w", err)
	}
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		db.Close()
		return "", nil, fmt.Errorf("create schema %s: %w", name, err)
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		db.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	drop := func(ctx context.Context) error {
		defer db.Close()
		_, err := db.ExecContext(ctx, "DROP SCHEMA "+name+" CASCADE")
		return err
	}
	return u.String(), drop, nil
}

var schemaName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
