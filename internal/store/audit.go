package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Actor is who did something the audit log records: a member of staff, or
// the command line (ID 0).
type Actor struct {
	ID    int64
	Email string
	IP    string
}

// CommandLine is the actor for changes made with the masthead command.
func CommandLine() Actor { return Actor{Email: "masthead (command line)"} }

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorEmail string
	Action     string
	Target     string
	Detail     string
	IP         string
}

// audit records a staff action in the transaction that makes it, so the log
// holds exactly what happened.
func (s *Store) audit(ctx context.Context, tx *sql.Tx, actor Actor, action, target, detail string) error {
	var actorID any
	if actor.ID != 0 {
		actorID = actor.ID
	}
	if _, err := s.exec(ctx, tx, `INSERT INTO audit_log (at, actor_id, actor_email, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		s.Now().Unix(), actorID, actor.Email, action, target, detail, actor.IP); err != nil {
		return fmt.Errorf("record %s in the audit log: %w", action, err)
	}
	return nil
}

// AuditLog returns the newest entries first; before, when not 0, continues
// after the entry with that id.
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]AuditEntry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := "SELECT id, at, actor_email, action, target, detail, ip FROM audit_log"
	args := []any{}
	if before > 0 {
		q += " WHERE id < ?"
		args = append(args, before)
	}
	rows, err := s.query(ctx, q+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var list []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.ActorEmail, &e.Action, &e.Target, &e.Detail, &e.IP); err != nil {
			return nil, fmt.Errorf("scan audit entry: %w", err)
		}
		e.At = unixTime(at)
		list = append(list, e)
	}
	return list, rows.Err()
}
