package db

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"shequ/migrations"
)

// Migrate brings the schema up to date. On PostgreSQL a session lock keeps
// several nodes that start together from migrating at once; a schema that
// is already up to date is left without taking it (the lock is
// server-wide, and every node and test that starts would queue on it).
func (d *DB) Migrate(ctx context.Context) (applied int, err error) {
	if d.Dialect == Postgres {
		if n, err := d.Pending(ctx); err == nil && n == 0 {
			return 0, nil
		}
	}
	sub, err := fs.Sub(migrations.FS, string(d.Dialect))
	if err != nil {
		return 0, err
	}
	dialect := goose.DialectSQLite3
	var opts []goose.ProviderOption
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return 0, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(dialect, d.write, sub, opts...)
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}

// Pending reports how many migrations are not yet applied.
func (d *DB) Pending(ctx context.Context) (int, error) {
	sub, err := fs.Sub(migrations.FS, string(d.Dialect))
	if err != nil {
		return 0, err
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, d.write, sub)
	if err != nil {
		return 0, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range st {
		if s.State == goose.StatePending {
			n++
		}
	}
	return n, nil
}
