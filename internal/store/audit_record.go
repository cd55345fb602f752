package store

import (
	"context"
	"database/sql"
)

// RecordAudit adds a staff action to the audit log in a transaction of its
// own. It is for actions whose effect is committed elsewhere, such as the
// billing service's, which owns its transactions: the entry is written
// right after the action succeeded.
func (s *Store) RecordAudit(ctx context.Context, actor Actor, action, target, detail string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error { return s.audit(ctx, tx, actor, action, target, detail) })
}
