package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestPasswordChangeForgetsDevices: a device that signed in is trusted
// past the sign-in lockout until the password changes; a hash upgraded
// at sign-in (the same password) keeps it.
func TestPasswordChangeForgetsDevices(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		staff := mustStaff(t, s, "ed@example.com", magazine.RoleEditor)
		other := mustStaff(t, s, "other@example.com", magazine.RoleEditor)
		reader, err := s.CreateReader(ctx, "reader@example.com", "")
		if err != nil {
			t.Fatal(err)
		}
		until := time.Now().Add(time.Hour)
		for _, d := range []store.Device{{IDHash: "staff-device", StaffID: staff.ID, ExpiresAt: until},
			{IDHash: "other-device", StaffID: other.ID, ExpiresAt: until}, {IDHash: "reader-device", ReaderID: reader.ID, ExpiresAt: until}} {
			if err := s.TrustDevice(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		known := func(hash string) bool {
			t.Helper()
			_, err := s.DeviceByHash(ctx, hash)
			if err != nil && !magazine.IsNotFound(err) {
				t.Fatal(err)
			}
			return err == nil
		}
		actor := store.Actor{ID: staff.ID, Email: staff.Email}
		if err := s.SetPasswordHash(ctx, actor, staff.ID, "$argon2id$rehashed", false); err != nil {
			t.Fatal(err)
		}
		if !known("staff-device") {
			t.Error("upgrading the hash of the same password forgot the device")
		}
		if err := s.SetPasswordHash(ctx, actor, staff.ID, "$argon2id$new", true); err != nil {
			t.Fatal(err)
		}
		if known("staff-device") || !known("other-device") {
			t.Errorf("after a staff password change: the device is still trusted (%v) or another account's was forgotten (%v)", known("staff-device"), !known("other-device"))
		}
		if err := s.SetReaderPassword(ctx, reader.ID, "$argon2id$reader", ""); err != nil {
			t.Fatal(err)
		}
		if known("reader-device") {
			t.Error("after a reader's password change their device is still trusted")
		}
	})
}
