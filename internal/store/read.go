package store

import (
	"context"
	"database/sql"
)

// Reads go through prepared statements kept for the life of the store.
// Parsing SQL was most of the cost of an uncached page on SQLite (the
// driver has no statement cache of its own); pgx caches statements itself,
// so on PostgreSQL queries go straight to the pool.

// maxStmts bounds the statement cache. Queries are built from a fixed set of
// shapes, so it fills once and stops growing.
const maxStmts = 512

func (s *Store) prepared(ctx context.Context, query string) *sql.Stmt {
	if s.d.name != "sqlite" {
		return nil
	}
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt)
	}
	if s.nstmts.Load() >= maxStmts {
		return nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the plain query below reports the error
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt)
	}
	s.nstmts.Add(1)
	return st
}

// query runs a read written with ? placeholders.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	query = s.d.q(query)
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, query, args...)
}

// queryRow runs a one-row read written with ? placeholders.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	query = s.d.q(query)
	if st := s.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, query, args...)
}

func (s *Store) closeStmts() {
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
}
