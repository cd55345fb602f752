package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

const planCols = "id, slug, name, description, monthly_price, yearly_price, currency, trial_days, refund_window_days, entitlements, active"

func scanPlan(row scanner) (magazine.Plan, error) {
	var p magazine.Plan
	var ents string
	err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &p.MonthlyPrice, &p.YearlyPrice, &p.Currency,
		&p.TrialDays, &p.RefundWindowDays, &ents, &p.Active)
	p.Entitlements = splitEntitlements(ents)
	return p, err
}

func splitEntitlements(s string) []magazine.Entitlement {
	var out []magazine.Entitlement
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, magazine.Entitlement(e))
		}
	}
	return out
}

func joinEntitlements(es []magazine.Entitlement) string {
	ss := make([]string, len(es))
	for i, e := range es {
		ss[i] = string(e)
	}
	return strings.Join(ss, ",")
}

// CreatePlan validates p and adds it; p.ID and p.Slug are set.
func (s *Store) CreatePlan(ctx context.Context, p *magazine.Plan) error {
	defer s.readersChanged()
	if err := p.Validate(); err != nil {
		return err
	}
	now := s.Now().Unix()
	return s.withTx(ctx, func(tx *sql.Tx) error {
		id, err := s.insert(ctx, tx, `INSERT INTO plans (slug, name, description, monthly_price, yearly_price, currency,
			trial_days, refund_window_days, entitlements, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Slug, p.Name, p.Description, p.MonthlyPrice, p.YearlyPrice, p.Currency,
			p.TrialDays, p.RefundWindowDays, joinEntitlements(p.Entitlements), p.Active, now, now)
		if isUniqueViolation(err) {
			return magazine.FieldError("slug", "Another plan already uses the slug %q.", p.Slug)
		} else if err != nil {
			return fmt.Errorf("create plan %s: %w", p.Slug, err)
		}
		p.ID = id
		return nil
	})
}

// UpdatePlan validates p and saves it. Existing subscriptions keep the
// price they signed up at; entitlements apply to everyone on the plan.
func (s *Store) UpdatePlan(ctx context.Context, p *magazine.Plan) error {
	defer s.readersChanged()
	if err := p.Validate(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE plans SET slug = ?, name = ?, description = ?, monthly_price = ?, yearly_price = ?,
			currency = ?, trial_days = ?, refund_window_days = ?, entitlements = ?, active = ?, updated_at = ? WHERE id = ?`,
			p.Slug, p.Name, p.Description, p.MonthlyPrice, p.YearlyPrice, p.Currency, p.TrialDays, p.RefundWindowDays,
			joinEntitlements(p.Entitlements), p.Active, s.Now().Unix(), p.ID)
		if isUniqueViolation(err) {
			return magazine.FieldError("slug", "Another plan already uses the slug %q.", p.Slug)
		} else if err != nil {
			return fmt.Errorf("update plan %d: %w", p.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Plan")
		}
		return nil
	})
}

// Plan returns the plan with id.
func (s *Store) Plan(ctx context.Context, id int64) (magazine.Plan, error) {
	return s.planWhere(ctx, "id = ?", id)
}

// PlanBySlug returns the plan with slug.
func (s *Store) PlanBySlug(ctx context.Context, slug string) (magazine.Plan, error) {
	return s.planWhere(ctx, "slug = ?", slug)
}

func (s *Store) planWhere(ctx context.Context, where string, arg any) (magazine.Plan, error) {
	p, err := scanPlan(s.queryRow(ctx, "SELECT "+planCols+" FROM plans WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("Plan")
	} else if err != nil {
		return p, fmt.Errorf("read plan %v: %w", arg, err)
	}
	return p, nil
}

// Plans returns the plans, cheapest first; only those offered on
// /subscribe when activeOnly.
func (s *Store) Plans(ctx context.Context, activeOnly bool) ([]magazine.Plan, error) {
	q := "SELECT " + planCols + " FROM plans"
	var args []any
	if activeOnly {
		q += " WHERE active = ?"
		args = append(args, true)
	}
	rows, err := s.query(ctx, q+" ORDER BY monthly_price, yearly_price, id", args...)
	if err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	defer rows.Close()
	var out []magazine.Plan
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan plan: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) planTx(ctx context.Context, tx *sql.Tx, id int64) (magazine.Plan, error) {
	p, err := scanPlan(tx.QueryRowContext(ctx, s.d.q("SELECT "+planCols+" FROM plans WHERE id = ?"), id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound("Plan")
	} else if err != nil {
		return p, fmt.Errorf("read plan %d: %w", id, err)
	}
	return p, nil
}
