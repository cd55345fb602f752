package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Credentials are what sign-in checks; they never leave the auth path.
type Credentials struct {
	PasswordHash string
	TOTPSecret   string // "" when the second factor is off
}

const staffCols = `id, email, name, role, active, totp_secret <> '', created_at, last_sign_in_at`

func scanStaff(row scanner, extra ...any) (magazine.Staff, error) {
	var st magazine.Staff
	var created, lastSignIn int64
	dest := append([]any{&st.ID, &st.Email, &st.Name, &st.Role, &st.Active, &st.TOTPEnabled, &created, &lastSignIn}, extra...)
	if err := row.Scan(dest...); err != nil {
		return st, err
	}
	st.CreatedAt, st.LastSignIn = unixTime(created), unixTime(lastSignIn)
	return st, nil
}

// CreateStaff adds a member of staff with an already hashed password, and
// records who did it. A second owner is refused.
func (s *Store) CreateStaff(ctx context.Context, actor Actor, in magazine.StaffInput, passwordHash string) (magazine.Staff, error) {
	var id int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.createStaff(ctx, tx, actor, in, passwordHash)
		return err
	})
	if err != nil {
		return magazine.Staff{}, err
	}
	return s.StaffByID(ctx, id)
}

// InviteStaff adds a member of staff who sets their own password through
// the link of an invitation; the account, the link and the message exist
// together or not at all. passwordHash should match no password.
func (s *Store) InviteStaff(ctx context.Context, actor Actor, in magazine.StaffInput, passwordHash string, tok StaffToken, m Mail) (magazine.Staff, error) {
	var id int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = s.createStaff(ctx, tx, actor, in, passwordHash); err != nil {
			return err
		}
		return s.createStaffToken(ctx, tx, id, tok, m)
	})
	if err != nil {
		return magazine.Staff{}, err
	}
	return s.StaffByID(ctx, id)
}

func (s *Store) createStaff(ctx context.Context, tx *sql.Tx, actor Actor, in magazine.StaffInput, passwordHash string) (int64, error) {
	in = in.Normalize()
	if err := in.Validate(); err != nil {
		return 0, err
	}
	if in.Role == magazine.RoleOwner {
		var owners int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM staff WHERE role = 'owner'").Scan(&owners); err != nil {
			return 0, fmt.Errorf("count owners: %w", err)
		}
		if owners > 0 {
			return 0, magazine.FieldError("role", "The magazine already has an owner; the owner can transfer ownership from the staff page.")
		}
	}
	now := s.Now().Unix()
	id, err := s.insert(ctx, tx, `INSERT INTO staff (email, name, role, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, in.Email, in.Name, string(in.Role), passwordHash, now, now)
	if isUniqueViolation(err) {
		if in.Role == magazine.RoleOwner {
			return 0, magazine.FieldError("role", "The magazine already has an owner.")
		}
		return 0, magazine.FieldError("email", "%s already has a staff account.", in.Email)
	} else if err != nil {
		return 0, fmt.Errorf("insert staff %s: %w", in.Email, err)
	}
	return id, s.audit(ctx, tx, actor, "staff.create", in.Email, "role "+string(in.Role))
}

// StaffByID returns one member of staff, active or not.
func (s *Store) StaffByID(ctx context.Context, id int64) (magazine.Staff, error) {
	st, err := scanStaff(s.queryRow(ctx, "SELECT "+staffCols+" FROM staff WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, notFound("Staff member")
	} else if err != nil {
		return st, fmt.Errorf("read staff %d: %w", id, err)
	}
	return st, nil
}

// StaffByEmail returns the member of staff with this address and what
// sign-in checks.
func (s *Store) StaffByEmail(ctx context.Context, email string) (magazine.Staff, Credentials, error) {
	var c Credentials
	st, err := scanStaff(s.queryRow(ctx, "SELECT "+staffCols+", password_hash, totp_secret FROM staff WHERE email = ?",
		magazine.NormalizeEmail(email)), &c.PasswordHash, &c.TOTPSecret)
	if errors.Is(err, sql.ErrNoRows) {
		return st, c, notFound("Staff member")
	} else if err != nil {
		return st, c, fmt.Errorf("read staff %s: %w", email, err)
	}
	return st, c, nil
}

// StaffCredentials returns what sign-in checks for a member of staff.
func (s *Store) StaffCredentials(ctx context.Context, id int64) (Credentials, error) {
	var c Credentials
	err := s.queryRow(ctx, "SELECT password_hash, totp_secret FROM staff WHERE id = ?", id).Scan(&c.PasswordHash, &c.TOTPSecret)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound("Staff member")
	} else if err != nil {
		return c, fmt.Errorf("read credentials of staff %d: %w", id, err)
	}
	return c, nil
}

// StaffList returns every member of staff, the owner first, then by role
// and e-mail address.
func (s *Store) StaffList(ctx context.Context) ([]magazine.Staff, error) {
	rows, err := s.query(ctx, "SELECT "+staffCols+` FROM staff ORDER BY
		CASE role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 WHEN 'editor' THEN 2 WHEN 'author' THEN 3 ELSE 4 END, email`)
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	defer rows.Close()
	var list []magazine.Staff
	for rows.Next() {
		st, err := scanStaff(rows)
		if err != nil {
			return nil, fmt.Errorf("scan staff: %w", err)
		}
		list = append(list, st)
	}
	return list, rows.Err()
}

// OwnerExists reports whether the magazine has an owner.
func (s *Store) OwnerExists(ctx context.Context) (bool, error) {
	var n int
	if err := s.queryRow(ctx, "SELECT count(*) FROM staff WHERE role = 'owner'").Scan(&n); err != nil {
		return false, fmt.Errorf("count owners: %w", err)
	}
	return n > 0, nil
}

// SetStaffRole changes a role, after magazine.CheckRoleChange allowed it.
func (s *Store) SetStaffRole(ctx context.Context, actor Actor, id int64, role magazine.Role) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var email string
		var old magazine.Role
		if err := tx.QueryRowContext(ctx, s.d.q("SELECT email, role FROM staff WHERE id = ?"), id).Scan(&email, &old); errors.Is(err, sql.ErrNoRows) {
			return notFound("Staff member")
		} else if err != nil {
			return fmt.Errorf("read staff %d: %w", id, err)
		}
		if old == magazine.RoleOwner || role == magazine.RoleOwner {
			return magazine.Errorf(magazine.EFORBIDDEN, "Ownership moves only by transfer.")
		}
		if _, err := s.exec(ctx, tx, "UPDATE staff SET role = ?, updated_at = ? WHERE id = ?", string(role), s.Now().Unix(), id); err != nil {
			return fmt.Errorf("set role of staff %d: %w", id, err)
		}
		return s.audit(ctx, tx, actor, "staff.role", email, string(old)+" → "+string(role))
	})
}

// DeactivateStaff stops an account from signing in and ends its sessions.
func (s *Store) DeactivateStaff(ctx context.Context, actor Actor, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var email string
		if err := tx.QueryRowContext(ctx, s.d.q("SELECT email FROM staff WHERE id = ? AND role <> 'owner'"), id).Scan(&email); errors.Is(err, sql.ErrNoRows) {
			return notFound("Staff member")
		} else if err != nil {
			return fmt.Errorf("read staff %d: %w", id, err)
		}
		if _, err := s.exec(ctx, tx, "UPDATE staff SET active = ?, updated_at = ? WHERE id = ?", false, s.Now().Unix(), id); err != nil {
			return fmt.Errorf("deactivate staff %d: %w", id, err)
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM staff_sessions WHERE staff_id = ?", id); err != nil {
			return fmt.Errorf("end sessions of staff %d: %w", id, err)
		}
		return s.audit(ctx, tx, actor, "staff.deactivate", email, "")
	})
}

// TransferOwnership makes an admin the owner and the owner an admin, in one
// transaction, after magazine.CheckTransferOwnership allowed it.
func (s *Store) TransferOwnership(ctx context.Context, actor Actor, from, to int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var email string
		if err := tx.QueryRowContext(ctx, s.d.q("SELECT email FROM staff WHERE id = ? AND role = 'admin' AND active"), to).Scan(&email); errors.Is(err, sql.ErrNoRows) {
			return magazine.FieldError("new_owner", "Ownership can go only to an active admin.")
		} else if err != nil {
			return fmt.Errorf("read staff %d: %w", to, err)
		}
		now := s.Now().Unix()
		res, err := s.exec(ctx, tx, "UPDATE staff SET role = 'admin', updated_at = ? WHERE id = ? AND role = 'owner'", now, from)
		if err != nil {
			return fmt.Errorf("demote owner %d: %w", from, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return magazine.Errorf(magazine.EFORBIDDEN, "Only the owner can transfer ownership.")
		}
		if _, err := s.exec(ctx, tx, "UPDATE staff SET role = 'owner', updated_at = ? WHERE id = ?", now, to); err != nil {
			return fmt.Errorf("make staff %d owner: %w", to, err)
		}
		return s.audit(ctx, tx, actor, "staff.transfer_ownership", email, "")
	})
}

// SetPasswordHash replaces a password hash. audit is false when only the
// hash parameters were upgraded at sign-in: the password is the same.
// A new password forgets the devices that signed in with the old one,
// which the sign-in lockout would otherwise still let through.
func (s *Store) SetPasswordHash(ctx context.Context, actor Actor, id int64, hash string, audit bool) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "UPDATE staff SET password_hash = ?, updated_at = ? WHERE id = ?", hash, s.Now().Unix(), id)
		if err != nil {
			return fmt.Errorf("set password of staff %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return notFound("Staff member")
		}
		if !audit {
			return nil
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM trusted_devices WHERE staff_id = ?", id); err != nil {
			return fmt.Errorf("forget the devices of staff %d: %w", id, err)
		}
		return s.audit(ctx, tx, actor, "staff.password", actor.Email, "")
	})
}

// SetTOTPSecret turns the second factor on (or off, with ""), and forgets
// the last step used.
func (s *Store) SetTOTPSecret(ctx context.Context, actor Actor, id int64, secret string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "UPDATE staff SET totp_secret = ?, totp_last_step = 0, updated_at = ? WHERE id = ?",
			secret, s.Now().Unix(), id); err != nil {
			return fmt.Errorf("set TOTP of staff %d: %w", id, err)
		}
		action := "staff.totp_on"
		if secret == "" {
			action = "staff.totp_off"
		}
		return s.audit(ctx, tx, actor, action, actor.Email, "")
	})
}

// UseTOTPStep records that the code of a time step was accepted. It fails
// when that step or a later one was used already, so a code works once,
// even when two requests race.
func (s *Store) UseTOTPStep(ctx context.Context, id int64, step int64) (bool, error) {
	var ok bool
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "UPDATE staff SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, id, step)
		if err != nil {
			return fmt.Errorf("use TOTP step of staff %d: %w", id, err)
		}
		n, _ := res.RowsAffected()
		ok = n == 1
		return nil
	})
	return ok, err
}
