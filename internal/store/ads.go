package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

const adColumns = "id, name, kind, image_key, alt, link_url, tag_html, starts_on, ends_on, weight, slots"

// scanAd reads the adColumns of a row, and the columns after them into
// more.
func scanAd(sc interface{ Scan(...any) error }, more ...any) (magazine.Ad, error) {
	var a magazine.Ad
	var starts, ends, slots string
	if err := sc.Scan(append([]any{&a.ID, &a.Name, &a.Kind, &a.ImageKey, &a.Alt, &a.LinkURL, &a.TagHTML, &starts, &ends, &a.Weight, &slots}, more...)...); err != nil {
		return a, err
	}
	a.Starts, _ = time.Parse(time.DateOnly, starts)
	a.Ends, _ = time.Parse(time.DateOnly, ends)
	for _, s := range strings.Fields(slots) {
		a.Slots = append(a.Slots, magazine.AdSlot(s))
	}
	return a, nil
}

func joinSlots(slots []magazine.AdSlot) string {
	parts := make([]string, len(slots))
	for i, s := range slots {
		parts[i] = string(s)
	}
	return strings.Join(parts, " ")
}

// adDetail is what the audit log says of an ad.
func adDetail(a magazine.Ad) string {
	return fmt.Sprintf("%s ad, %s to %s, weight %d, slots %s", a.Kind, a.Starts.Format(time.DateOnly), a.Ends.Format(time.DateOnly), a.Weight, joinSlots(a.Slots))
}

// CreateAd adds an ad to the inventory, audited; the pages that show ads
// are rendered again.
func (s *Store) CreateAd(ctx context.Context, actor Actor, a *magazine.Ad) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().Unix()
		id, err := s.insert(ctx, tx, `INSERT INTO ads (name, kind, image_key, alt, link_url, tag_html, starts_on, ends_on, weight, slots, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.Name, a.Kind, a.ImageKey, a.Alt, a.LinkURL, a.TagHTML,
			a.Starts.Format(time.DateOnly), a.Ends.Format(time.DateOnly), a.Weight, joinSlots(a.Slots), now, now)
		if err != nil {
			return fmt.Errorf("create ad %q: %w", a.Name, err)
		}
		a.ID = id
		if err := s.audit(ctx, tx, actor, "ad.create", a.Name, adDetail(*a)); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

// UpdateAd saves a changed ad, audited.
func (s *Store) UpdateAd(ctx context.Context, actor Actor, a *magazine.Ad) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `UPDATE ads SET name = ?, kind = ?, image_key = ?, alt = ?, link_url = ?, tag_html = ?, starts_on = ?, ends_on = ?,
			weight = ?, slots = ?, updated_at = ? WHERE id = ?`, a.Name, a.Kind, a.ImageKey, a.Alt, a.LinkURL, a.TagHTML,
			a.Starts.Format(time.DateOnly), a.Ends.Format(time.DateOnly), a.Weight, joinSlots(a.Slots), s.Now().Unix(), a.ID)
		if err != nil {
			return fmt.Errorf("update ad %d: %w", a.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Ad")
		}
		if err := s.audit(ctx, tx, actor, "ad.update", a.Name, adDetail(*a)); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

// DeleteAd removes an ad and its counts, audited.
func (s *Store) DeleteAd(ctx context.Context, actor Actor, id int64) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, s.d.q("SELECT name FROM ads WHERE id = ?"), id).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("Ad")
		} else if err != nil {
			return fmt.Errorf("delete ad %d: %w", id, err)
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM ad_stats WHERE ad_id = ?", id); err != nil {
			return fmt.Errorf("delete ad %d: %w", id, err)
		}
		if _, err := s.exec(ctx, tx, "DELETE FROM ads WHERE id = ?", id); err != nil {
			return fmt.Errorf("delete ad %d: %w", id, err)
		}
		if err := s.audit(ctx, tx, actor, "ad.delete", name, ""); err != nil {
			return err
		}
		return s.touch(ctx, tx)
	})
}

// AdByID returns one ad.
func (s *Store) AdByID(ctx context.Context, id int64) (magazine.Ad, error) {
	a, err := scanAd(s.queryRow(ctx, "SELECT "+adColumns+" FROM ads WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("Ad")
	} else if err != nil {
		return a, fmt.Errorf("ad %d: %w", id, err)
	}
	return a, nil
}

// AdRow is an ad of the admin's list with its totals since a day.
type AdRow struct {
	magazine.Ad
	Impressions, Clicks int64
}

// Ads returns the whole inventory, the latest to end first, with each
// ad's impressions and clicks from the day since on.
func (s *Store) Ads(ctx context.Context, since time.Time) ([]AdRow, error) {
	rows, err := s.query(ctx, `SELECT `+adColumns+`,
		COALESCE((SELECT SUM(impressions) FROM ad_stats st WHERE st.ad_id = ads.id AND st.day >= ?), 0),
		COALESCE((SELECT SUM(clicks) FROM ad_stats st WHERE st.ad_id = ads.id AND st.day >= ?), 0)
		FROM ads ORDER BY ends_on DESC, id DESC`, since.Format(time.DateOnly), since.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("list ads: %w", err)
	}
	defer rows.Close()
	var out []AdRow
	for rows.Next() {
		var r AdRow
		var err error
		if r.Ad, err = scanAd(rows, &r.Impressions, &r.Clicks); err != nil {
			return nil, fmt.Errorf("list ads: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LiveAds returns the ads that may fill slot on day (a date in the
// publication's zone), by id.
func (s *Store) LiveAds(ctx context.Context, slot magazine.AdSlot, day time.Time) ([]magazine.Ad, error) {
	d := day.Format(time.DateOnly)
	rows, err := s.query(ctx, "SELECT "+adColumns+" FROM ads WHERE starts_on <= ? AND ends_on >= ? AND (' ' || slots || ' ') LIKE ? ORDER BY id",
		d, d, "% "+string(slot)+" %")
	if err != nil {
		return nil, fmt.Errorf("live ads for %s on %s: %w", slot, d, err)
	}
	defer rows.Close()
	var out []magazine.Ad
	for rows.Next() {
		a, err := scanAd(rows)
		if err != nil {
			return nil, fmt.Errorf("live ads for %s on %s: %w", slot, d, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CountAdImpression adds one impression to the ad's total for day.
func (s *Store) CountAdImpression(ctx context.Context, id int64, day time.Time) error {
	return s.countAd(ctx, id, day, "impressions")
}

// CountAdClick adds one click to the ad's total for day.
func (s *Store) CountAdClick(ctx context.Context, id int64, day time.Time) error {
	return s.countAd(ctx, id, day, "clicks")
}

// countAd adds one to a daily total. It does not move the content
// version: counts are not on any page.
func (s *Store) countAd(ctx context.Context, id int64, day time.Time, col string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO ad_stats (ad_id, day, `+col+`) VALUES (?, ?, 1)
			ON CONFLICT (ad_id, day) DO UPDATE SET `+col+` = ad_stats.`+col+` + 1`, id, day.Format(time.DateOnly))
		if err != nil {
			return fmt.Errorf("count %s of ad %d: %w", col, id, err)
		}
		return nil
	})
}

// AdDay is one day's totals of an ad.
type AdDay struct {
	Day                 time.Time
	Impressions, Clicks int64
}

// AdStats returns an ad's daily totals from the day since on, newest
// first; days without any are left out.
func (s *Store) AdStats(ctx context.Context, id int64, since time.Time) ([]AdDay, error) {
	rows, err := s.query(ctx, "SELECT day, impressions, clicks FROM ad_stats WHERE ad_id = ? AND day >= ? ORDER BY day DESC", id, since.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("stats of ad %d: %w", id, err)
	}
	defer rows.Close()
	var out []AdDay
	for rows.Next() {
		var d AdDay
		var day string
		if err := rows.Scan(&day, &d.Impressions, &d.Clicks); err != nil {
			return nil, fmt.Errorf("stats of ad %d: %w", id, err)
		}
		d.Day, _ = time.Parse(time.DateOnly, day)
		out = append(out, d)
	}
	return out, rows.Err()
}
