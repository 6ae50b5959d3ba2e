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
	db ext
}

// Store is the database handle.
type Store struct {
	Queries
	db *sqlx.DB
}

// Tx is one open transaction; its methods are those of Queries.
type Tx struct {
	Queries
	tx *sqlx.Tx
}

// Open connects to url and checks the connection.
func Open(ctx context.Context, url string) (*Store, error) {
	db, err := sqlx.Open("postgres", url)
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
	return &Store{Queries: Queries{db: db}, db: db}, nil
}

// Close releases the pool.
func (s *Store) Close() error { return s.db.Close() }

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
	if err := fn(&Tx{Queries: Queries{db: tx}, tx: tx}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
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
