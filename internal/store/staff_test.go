package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func mustStaff(t *testing.T, s *store.Store, email string, role magazine.Role) magazine.Staff {
	t.Helper()
	st, err := s.CreateStaff(context.Background(), store.CommandLine(), magazine.StaffInput{Email: email, Name: "N " + email, Role: role}, "$argon2id$test")
	if err != nil {
		t.Fatalf("create staff %s: %v", email, err)
	}
	return st
}

func TestStaffAccounts(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		owner := mustStaff(t, s, "  Owner@Example.COM ", magazine.RoleOwner)
		if owner.Email != "owner@example.com" || owner.Role != magazine.RoleOwner || !owner.Active {
			t.Fatalf("created %+v, want an active owner with a lowercased address", owner)
		}
		checkError(t, createStaff(s, "second@example.com", magazine.RoleOwner), magazine.EINVALID, "role")
		checkError(t, createStaff(s, "OWNER@example.com", magazine.RoleEditor), magazine.EINVALID, "email")
		checkError(t, createStaff(s, "not an address", magazine.RoleEditor), magazine.EINVALID, "email")
		checkError(t, createStaff(s, "x@example.com", "chief"), magazine.EINVALID, "role")

		admin := mustStaff(t, s, "admin@example.com", magazine.RoleAdmin)
		ed := mustStaff(t, s, "ed@example.com", magazine.RoleEditor)
		list, err := s.StaffList(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var emails []string
		for _, st := range list {
			emails = append(emails, st.Email)
		}
		if d := diff([]string{"owner@example.com", "admin@example.com", "ed@example.com"}, emails); d != "" {
			t.Errorf("staff list order (owner, then by role):%s", d)
		}

		got, cred, err := s.StaffByEmail(ctx, "ED@example.com")
		if err != nil || got.ID != ed.ID || cred.PasswordHash != "$argon2id$test" {
			t.Fatalf("StaffByEmail = %+v, %+v, %v", got, cred, err)
		}
		if _, _, err := s.StaffByEmail(ctx, "nobody@example.com"); !magazine.IsNotFound(err) {
			t.Errorf("unknown address: err = %v, want not found", err)
		}

		actor := store.Actor{ID: admin.ID, Email: admin.Email}
		if err := s.SetStaffRole(ctx, actor, ed.ID, magazine.RoleAuthor); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStaffRole(ctx, actor, owner.ID, magazine.RoleEditor); magazine.ErrorCode(err) != magazine.EFORBIDDEN {
			t.Errorf("demoting the owner: err = %v, want forbidden", err)
		}
		if err := s.DeactivateStaff(ctx, actor, owner.ID); !magazine.IsNotFound(err) {
			t.Errorf("deactivating the owner: err = %v, want refused", err)
		}
		if err := s.TransferOwnership(ctx, actor, admin.ID, ed.ID); err == nil {
			t.Error("an admin transferred ownership it does not have")
		}
		if err := s.TransferOwnership(ctx, store.Actor{ID: owner.ID, Email: owner.Email}, owner.ID, admin.ID); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[int64]magazine.Role{owner.ID: magazine.RoleAdmin, admin.ID: magazine.RoleOwner, ed.ID: magazine.RoleAuthor} {
			if st, err := s.StaffByID(ctx, id); err != nil || st.Role != want {
				t.Errorf("staff %d: role %q (%v), want %q", id, st.Role, err, want)
			}
		}

		entries, err := s.AuditLog(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action+" "+e.Target)
		}
		want := []string{"staff.transfer_ownership admin@example.com", "staff.role ed@example.com",
			"staff.create ed@example.com", "staff.create admin@example.com", "staff.create owner@example.com"}
		if d := diff(want, actions); d != "" {
			t.Errorf("audit log, newest first:%s", d)
		}
		if entries[1].ActorEmail != "admin@example.com" || entries[1].Detail != "editor → author" {
			t.Errorf("role change entry = %+v", entries[1])
		}
		older, err := s.AuditLog(ctx, entries[1].ID, 10)
		if err != nil || len(older) != 3 {
			t.Errorf("entries before %d: %d (%v), want 3", entries[1].ID, len(older), err)
		}
	})
}

func createStaff(s *store.Store, email string, role magazine.Role) error {
	_, err := s.CreateStaff(context.Background(), store.CommandLine(), magazine.StaffInput{Email: email, Role: role}, "h")
	return err
}

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := t0
		s.Now = func() time.Time { return now }
		ed := mustStaff(t, s, "ed@example.com", magazine.RoleEditor)
		other := mustStaff(t, s, "other@example.com", magazine.RoleAuthor)
		open := func(hash string, staff int64, stage string) {
			t.Helper()
			if err := s.CreateSession(ctx, store.NewSession{IDHash: hash, StaffID: staff, Stage: stage, ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
		}
		alive := func(hash string) bool {
			t.Helper()
			_, err := s.SessionByHash(ctx, hash)
			if err != nil && !magazine.IsNotFound(err) {
				t.Fatal(err)
			}
			return err == nil
		}
		open("a", ed.ID, store.StageFull)
		ses, err := s.SessionByHash(ctx, "a")
		if err != nil || ses.Staff.ID != ed.ID || ses.Stage != store.StageFull || ses.Staff.LastSignIn.IsZero() {
			t.Fatalf("session = %+v, %v", ses, err)
		}
		// Signing in again from the same browser replaces its session.
		if err := s.CreateSession(ctx, store.NewSession{IDHash: "b", StaffID: ed.ID, Stage: store.StageFull, ExpiresAt: now.Add(time.Hour), Replaces: "a"}); err != nil {
			t.Fatal(err)
		}
		if alive("a") || !alive("b") {
			t.Error("the replaced session still works, or the new one does not")
		}
		open("c", ed.ID, store.StageFull)
		open("d", other.ID, store.StageFull)
		if err := s.DeleteSession(ctx, store.Actor{ID: ed.ID}, "b"); err != nil {
			t.Fatal(err)
		}
		if alive("b") || !alive("c") {
			t.Error("sign-out ended the wrong session")
		}
		open("e", ed.ID, store.StageTOTP)
		if n, err := s.DeleteStaffSessions(ctx, store.Actor{ID: ed.ID}, ed.ID); err != nil || n != 2 {
			t.Errorf("sign out everywhere ended %d sessions (%v), want 2", n, err)
		}
		if alive("c") || alive("e") || !alive("d") {
			t.Error("sign out everywhere must end all of one person's sessions and no one else's")
		}

		now = now.Add(2 * time.Hour)
		if alive("d") {
			t.Error("an expired session still works")
		}
		if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
			t.Errorf("expired sessions deleted: %d (%v), want 1", n, err)
		}
		open("f", other.ID, store.StageFull)
		if err := s.DeactivateStaff(ctx, store.CommandLine(), other.ID); err != nil {
			t.Fatal(err)
		}
		if alive("f") {
			t.Error("a deactivated account's session still works")
		}
	})
}

func TestTOTPStepIsUsedOnce(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ed := mustStaff(t, s, "ed@example.com", magazine.RoleEditor)
		if err := s.SetTOTPSecret(ctx, store.Actor{ID: ed.ID}, ed.ID, "JBSWY3DPEHPK3PXP"); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			step int64
			want bool
		}{{100, true}, {100, false}, {99, false}, {101, true}} {
			if ok, err := s.UseTOTPStep(ctx, ed.ID, tt.step); err != nil || ok != tt.want {
				t.Errorf("UseTOTPStep(%d) = %v, %v; want %v", tt.step, ok, err, tt.want)
			}
		}
		if st, _ := s.StaffByID(ctx, ed.ID); !st.TOTPEnabled {
			t.Error("TOTPEnabled is false after a secret was set")
		}
	})
}

func TestStaffTokens(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := t0
		s.Now = func() time.Time { return now }
		ed := mustStaff(t, s, "ed@example.com", magazine.RoleEditor)
		mail := store.Mail{Kind: "staff_reset", To: ed.Email, Subject: "Reset", Text: "link"}
		if err := s.CreateStaffToken(ctx, ed.ID, store.StaffToken{IDHash: "t1", Purpose: store.TokenReset, ExpiresAt: now.Add(time.Hour)}, mail); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateSession(ctx, store.NewSession{IDHash: "s1", StaffID: ed.ID, Stage: store.StageFull, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if st, purpose, err := s.StaffByToken(ctx, "t1"); err != nil || st.ID != ed.ID || purpose != store.TokenReset {
			t.Fatalf("StaffByToken = %+v, %q, %v", st, purpose, err)
		}
		if box, _ := s.Mailbox(ctx, ed.Email, 10); len(box) != 1 {
			t.Errorf("the message was not queued with the link: %d messages", len(box))
		}
		if _, err := s.UseStaffToken(ctx, "t1", "new-hash", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if cred, _ := s.StaffCredentials(ctx, ed.ID); cred.PasswordHash != "new-hash" {
			t.Errorf("password hash after the reset = %q", cred.PasswordHash)
		}
		if _, err := s.SessionByHash(ctx, "s1"); !magazine.IsNotFound(err) {
			t.Error("a session survived the password reset")
		}
		if _, err := s.UseStaffToken(ctx, "t1", "again", ""); !magazine.IsNotFound(err) {
			t.Errorf("the token worked twice: %v", err)
		}
		if err := s.CreateStaffToken(ctx, ed.ID, store.StaffToken{IDHash: "t2", Purpose: store.TokenReset, ExpiresAt: now.Add(time.Hour)}, mail); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if _, err := s.UseStaffToken(ctx, "t2", "late", ""); !magazine.IsNotFound(err) {
			t.Errorf("an expired token worked: %v", err)
		}

		// An invitation whose message cannot be queued leaves no account.
		bad := store.Mail{Kind: "staff_invite", To: "new@example.com", Subject: "", Text: "x"}
		_, err := s.InviteStaff(ctx, store.CommandLine(), magazine.StaffInput{Email: "new@example.com", Role: magazine.RoleAuthor}, "h",
			store.StaffToken{IDHash: "t3", Purpose: store.TokenInvite, ExpiresAt: now.Add(time.Hour)}, bad)
		if err == nil {
			t.Fatal("an invitation without a subject was queued")
		}
		if _, _, err := s.StaffByEmail(ctx, "new@example.com"); !magazine.IsNotFound(err) {
			t.Errorf("the account of a failed invitation exists: %v", err)
		}
	})
}
