package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// SavePublication saves the magazine's settings as SetPublication does,
// and records in the audit log who changed which of them.
func (s *Store) SavePublication(ctx context.Context, actor Actor, p magazine.Publication) error {
	if err := p.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode publication settings: %w", err)
	}
	old, err := s.Publication(ctx)
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.setSetting(ctx, tx, "publication", string(raw)); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, actor, "settings.publication", p.Name, changedFields(old, p)); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

// changedFields names the fields that differ between two settings, for
// the audit log: "Tagline, MeterArticles".
func changedFields(old, cur magazine.Publication) string {
	a, b := reflect.ValueOf(old), reflect.ValueOf(cur)
	var names []string
	for i := range a.NumField() {
		if !a.Field(i).Equal(b.Field(i)) {
			names = append(names, a.Type().Field(i).Name)
		}
	}
	if len(names) == 0 {
		return "nothing changed"
	}
	return "changed " + strings.Join(names, ", ")
}
