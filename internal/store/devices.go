package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Device is a browser that signed in to an account, known by the hash of
// its device cookie; exactly one of StaffID and ReaderID is set.
type Device struct {
	IDHash    string
	StaffID   int64
	ReaderID  int64
	ExpiresAt time.Time
}

// TrustDevice records a device, or moves the expiry of one already known.
func (s *Store) TrustDevice(ctx context.Context, d Device) error {
	var staff, reader any
	if d.StaffID != 0 {
		staff = d.StaffID
	}
	if d.ReaderID != 0 {
		reader = d.ReaderID
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO trusted_devices (id_hash, staff_id, reader_id, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (id_hash) DO UPDATE SET expires_at = excluded.expires_at`,
			d.IDHash, staff, reader, s.Now().Unix(), d.ExpiresAt.Unix())
		return err
	})
	if err != nil {
		return fmt.Errorf("trust a device of staff %d / reader %d: %w", d.StaffID, d.ReaderID, err)
	}
	return nil
}

// DeviceByHash returns an unexpired device.
func (s *Store) DeviceByHash(ctx context.Context, idHash string) (Device, error) {
	d := Device{IDHash: idHash}
	var staff, reader sql.NullInt64
	var expires int64
	err := s.queryRow(ctx, "SELECT staff_id, reader_id, expires_at FROM trusted_devices WHERE id_hash = ? AND expires_at > ?",
		idHash, s.Now().Unix()).Scan(&staff, &reader, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound("Device")
	} else if err != nil {
		return d, fmt.Errorf("read device: %w", err)
	}
	d.StaffID, d.ReaderID, d.ExpiresAt = staff.Int64, reader.Int64, unixTime(expires)
	return d, nil
}
