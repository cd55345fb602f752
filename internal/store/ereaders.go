package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// EReaders is a reader's e-reader settings.
type EReaders struct {
	HasCatalogue bool   // an OPDS secret is set (only its hash is stored)
	KindleEmail  string // "" when not set
}

// ReaderEReaders returns a reader's e-reader settings.
func (s *Store) ReaderEReaders(ctx context.Context, readerID int64) (EReaders, error) {
	var e EReaders
	var hash sql.NullString
	err := s.queryRow(ctx, "SELECT opds_hash, kindle_email FROM reader_ereaders WHERE reader_id = ?", readerID).Scan(&hash, &e.KindleEmail)
	if errors.Is(err, sql.ErrNoRows) {
		return e, nil
	} else if err != nil {
		return e, fmt.Errorf("read the e-reader settings of reader %d: %w", readerID, err)
	}
	e.HasCatalogue = hash.Valid && hash.String != ""
	return e, nil
}

// ResetCatalogue stores the hash of a reader's new OPDS secret: the old
// address stops working at once.
func (s *Store) ResetCatalogue(ctx context.Context, readerID int64, hash string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO reader_ereaders (reader_id, opds_hash, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (reader_id) DO UPDATE SET opds_hash = excluded.opds_hash, updated_at = excluded.updated_at`,
			readerID, hash, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("reset the catalogue of reader %d: %w", readerID, err)
		}
		return nil
	})
}

// ReaderByCatalogue returns the reader whose OPDS secret has this hash.
func (s *Store) ReaderByCatalogue(ctx context.Context, hash string) (int64, error) {
	var id int64
	err := s.queryRow(ctx, "SELECT reader_id FROM reader_ereaders WHERE opds_hash = ?", hash).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound("Catalogue")
	} else if err != nil {
		return 0, fmt.Errorf("read catalogue: %w", err)
	}
	return id, nil
}

// SetKindle saves (or, with "", clears) the address new issues are
// mailed to. The address is checked by the caller (magazine.ValidKindle).
func (s *Store) SetKindle(ctx context.Context, readerID int64, email string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO reader_ereaders (reader_id, kindle_email, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (reader_id) DO UPDATE SET kindle_email = excluded.kindle_email, updated_at = excluded.updated_at`,
			readerID, email, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("save the Kindle address of reader %d: %w", readerID, err)
		}
		return nil
	})
}

// KindleReader is a reader with a Send to Kindle address.
type KindleReader struct {
	ReaderID int64
	Kindle   string
}

// KindleReaders returns every reader with a Kindle address.
func (s *Store) KindleReaders(ctx context.Context) ([]KindleReader, error) {
	rows, err := s.query(ctx, "SELECT reader_id, kindle_email FROM reader_ereaders WHERE kindle_email <> '' ORDER BY reader_id")
	if err != nil {
		return nil, fmt.Errorf("list Kindle readers: %w", err)
	}
	defer rows.Close()
	var out []KindleReader
	for rows.Next() {
		var k KindleReader
		if err := rows.Scan(&k.ReaderID, &k.Kindle); err != nil {
			return nil, fmt.Errorf("scan Kindle reader: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// QueueKindle puts an issue's EPUB for a reader's Kindle in the outbox
// and records it, in one transaction. Unless again is set (the reader
// asked), an issue already sent to the reader is not sent twice, and
// QueueKindle returns false.
func (s *Store) QueueKindle(ctx context.Context, readerID, issueID int64, m Mail, again bool) (bool, error) {
	queued := false
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "INSERT INTO kindle_deliveries (reader_id, issue_id, sent_at) VALUES (?, ?, ?) ON CONFLICT (reader_id, issue_id) DO NOTHING",
			readerID, issueID, s.Now().Unix())
		if err != nil {
			return fmt.Errorf("record the Kindle delivery to reader %d: %w", readerID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 && !again {
			return nil
		}
		if _, err := s.EnqueueMailTx(ctx, tx, m); err != nil {
			return err
		}
		queued = true
		return nil
	})
	return queued, err
}
