package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Audio states of an article's narration.
const (
	AudioNone      = "none" // never queued (no row)
	AudioQueued    = "queued"
	AudioRendering = "rendering"
	AudioReady     = "ready"
	AudioFailed    = "failed"
)

// ArticleAudio is the narration of one article.
type ArticleAudio struct {
	ArticleID int64
	State     string
	Reason    string // why the last narration failed
	Engine    string
	Voice     string
	Segments  []string // segment keys in reading order
	// Starts is where each segment starts in the joined file, one per
	// segment; nil for a narration made before they were kept.
	Starts   []time.Duration
	FileKey  string // the joined MP3 in media storage; "" until ready once
	Duration time.Duration
	Bytes    int64
	// Rendered is how many segments the last narration spoke; the others
	// were already stored.
	Rendered int
	// SourceUpdatedAt is the article's UpdatedAt the narration was made
	// from.
	SourceUpdatedAt time.Time
	UpdatedAt       time.Time
}

// Segment is one spoken paragraph kept in media storage.
type Segment struct {
	Key      string
	Duration time.Duration
	Bytes    int64
	// Sentences are the segment's sentences in order, for cutting them
	// out of its MP3 when an edited paragraph still has them.
	Sentences []SentenceCut
}

// SentenceCut is one sentence of a segment: a short hash of it as spoken
// and how many bytes of the segment's MP3 it takes.
type SentenceCut struct {
	Key   string
	Bytes int
}

func formatCuts(cuts []SentenceCut) string {
	var b strings.Builder
	for _, c := range cuts {
		fmt.Fprintf(&b, "%s %d\n", c.Key, c.Bytes)
	}
	return b.String()
}

// parseCuts reads what formatCuts wrote; anything else reads as no
// sentences, which only means none are reused.
func parseCuts(s string) []SentenceCut {
	var out []SentenceCut
	for line := range strings.Lines(s) {
		key, n, ok := strings.Cut(strings.TrimSpace(line), " ")
		bytes, err := strconv.Atoi(n)
		if !ok || err != nil || key == "" || bytes <= 0 {
			return nil
		}
		out = append(out, SentenceCut{Key: key, Bytes: bytes})
	}
	return out
}

const articleAudioColumns = "article_id, state, reason, engine, voice, segments, starts, file_key, duration_ms, bytes, rendered, source_updated_at, updated_at"

func scanArticleAudio(row interface{ Scan(...any) error }) (ArticleAudio, error) {
	var a ArticleAudio
	var segs, starts string
	var ms, source, updated int64
	if err := row.Scan(&a.ArticleID, &a.State, &a.Reason, &a.Engine, &a.Voice, &segs, &starts, &a.FileKey, &ms, &a.Bytes, &a.Rendered, &source, &updated); err != nil {
		return a, err
	}
	if segs != "" {
		a.Segments = strings.Split(segs, "\n")
	}
	if starts != "" {
		for line := range strings.SplitSeq(starts, "\n") {
			ms, err := strconv.ParseInt(line, 10, 64)
			if err != nil {
				return a, fmt.Errorf("narration starts %q: %w", line, err)
			}
			a.Starts = append(a.Starts, time.Duration(ms)*time.Millisecond)
		}
	}
	a.Duration, a.SourceUpdatedAt, a.UpdatedAt = time.Duration(ms)*time.Millisecond, unixTime(source), unixTime(updated)
	return a, nil
}

// ArticleAudio returns an article's narration; not found when it was never
// queued.
func (s *Store) ArticleAudio(ctx context.Context, articleID int64) (ArticleAudio, error) {
	a, err := scanArticleAudio(s.queryRow(ctx, "SELECT "+articleAudioColumns+" FROM article_audio WHERE article_id = ?", articleID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("Narration")
	} else if err != nil {
		return a, fmt.Errorf("read narration of article %d: %w", articleID, err)
	}
	return a, nil
}

// ArticleAudios returns the narrations of the given articles, by article.
func (s *Store) ArticleAudios(ctx context.Context, ids []int64) (map[int64]ArticleAudio, error) {
	out := map[int64]ArticleAudio{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.query(ctx, "SELECT "+articleAudioColumns+" FROM article_audio WHERE article_id IN (?"+strings.Repeat(", ?", len(ids)-1)+")", args...)
	if err != nil {
		return nil, fmt.Errorf("read narrations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanArticleAudio(rows)
		if err != nil {
			return nil, fmt.Errorf("read narrations: %w", err)
		}
		out[a.ArticleID] = a
	}
	return out, rows.Err()
}

// SetAudioState records that an article's narration is queued, rendering
// or failed (with the reason), keeping its last finished file.
func (s *Store) SetAudioState(ctx context.Context, articleID int64, state, reason string) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO article_audio (article_id, state, reason, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (article_id) DO UPDATE SET state = excluded.state, reason = excluded.reason, updated_at = excluded.updated_at`,
			articleID, state, reason, s.Now().Unix())
		if isForeignKeyViolation(err) {
			return notFound("Article")
		} else if err != nil {
			return fmt.Errorf("record narration state of article %d: %w", articleID, err)
		}
		return nil
	})
}

// ClaimAudio marks an article's narration as rendering unless it already
// is and was touched within stale (another worker has it). It reports
// whether the caller now owns the render.
func (s *Store) ClaimAudio(ctx context.Context, articleID int64, stale time.Duration) (bool, error) {
	claimed := false
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		now := s.Now().Unix()
		res, err := s.exec(ctx, tx, `INSERT INTO article_audio (article_id, state, updated_at) VALUES (?, 'rendering', ?)
			ON CONFLICT (article_id) DO UPDATE SET state = 'rendering', reason = '', updated_at = excluded.updated_at
			WHERE article_audio.state <> 'rendering' OR article_audio.updated_at < ?`,
			articleID, now, now-int64(stale/time.Second))
		if isForeignKeyViolation(err) {
			return notFound("Article")
		} else if err != nil {
			return fmt.Errorf("claim narration of article %d: %w", articleID, err)
		}
		n, _ := res.RowsAffected()
		claimed = n > 0
		return nil
	})
	return claimed, err
}

// FinishAudio records a finished narration and moves the content
// version.
func (s *Store) FinishAudio(ctx context.Context, a ArticleAudio) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if len(a.Starts) != 0 && len(a.Starts) != len(a.Segments) {
			return fmt.Errorf("record narration of article %d: %d starts for %d segments", a.ArticleID, len(a.Starts), len(a.Segments))
		}
		starts := make([]string, len(a.Starts))
		for i, d := range a.Starts {
			starts[i] = strconv.FormatInt(d.Milliseconds(), 10)
		}
		_, err := s.exec(ctx, tx, `INSERT INTO article_audio (`+articleAudioColumns+`) VALUES (?, 'ready', '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (article_id) DO UPDATE SET state = 'ready', reason = '', engine = excluded.engine, voice = excluded.voice,
			segments = excluded.segments, starts = excluded.starts, file_key = excluded.file_key, duration_ms = excluded.duration_ms,
			bytes = excluded.bytes, rendered = excluded.rendered, source_updated_at = excluded.source_updated_at, updated_at = excluded.updated_at`,
			a.ArticleID, a.Engine, a.Voice, strings.Join(a.Segments, "\n"), strings.Join(starts, "\n"), a.FileKey, a.Duration.Milliseconds(),
			a.Bytes, a.Rendered, a.SourceUpdatedAt.Unix(), s.Now().Unix())
		if err != nil {
			return fmt.Errorf("record narration of article %d: %w", a.ArticleID, err)
		}
		// The article's page changes with it (its paragraphs' play
		// controls), and the site keeps which file to serve per
		// content version.
		return s.touch(ctx, tx)
	})
}

// Segments returns the stored segments among keys, by key.
func (s *Store) Segments(ctx context.Context, keys []string) (map[string]Segment, error) {
	out := map[string]Segment{}
	for start := 0; start < len(keys); start += 500 {
		chunk := keys[start:min(start+500, len(keys))]
		args := make([]any, len(chunk))
		for i, k := range chunk {
			args[i] = k
		}
		rows, err := s.query(ctx, "SELECT key, duration_ms, bytes, sentences FROM audio_segments WHERE key IN (?"+strings.Repeat(", ?", len(chunk)-1)+")", args...)
		if err != nil {
			return nil, fmt.Errorf("read segments: %w", err)
		}
		for rows.Next() {
			var sg Segment
			var ms int64
			var cuts string
			if err := rows.Scan(&sg.Key, &ms, &sg.Bytes, &cuts); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read segments: %w", err)
			}
			sg.Duration = time.Duration(ms) * time.Millisecond
			sg.Sentences = parseCuts(cuts)
			out[sg.Key] = sg
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read segments: %w", err)
		}
	}
	return out, nil
}

// RecordSegment records a segment whose bytes are stored.
func (s *Store) RecordSegment(ctx context.Context, sg Segment) error {
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO audio_segments (key, duration_ms, bytes, sentences, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
			sg.Key, sg.Duration.Milliseconds(), sg.Bytes, formatCuts(sg.Sentences), s.Now().Unix())
		if err != nil {
			return fmt.Errorf("record segment %s: %w", sg.Key, err)
		}
		return nil
	})
}

// AudioCounts counts narrations by state, for the admin.
func (s *Store) AudioCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.query(ctx, "SELECT state, COUNT(*) FROM article_audio GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("count narrations: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count narrations: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// ArticlesWithoutAudio returns up to limit published articles published at
// or after since that have no finished narration, newest first, after the
// article with id below (0 to start): the backfill's work list, resumable
// because a finished article leaves it.
func (s *Store) ArticlesWithoutAudio(ctx context.Context, since time.Time, below int64, limit int) ([]int64, error) {
	q := `SELECT a.id FROM articles a LEFT JOIN article_audio au ON au.article_id = a.id
		WHERE a.status = 'published' AND a.published_at >= ? AND (au.state IS NULL OR au.state <> 'ready')`
	args := []any{since.Unix()}
	if below > 0 {
		q += " AND a.id < ?"
		args = append(args, below)
	}
	rows, err := s.query(ctx, q+" ORDER BY a.id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("list articles without narration: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list articles without narration: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// CountArticlesWithoutAudio counts what ArticlesWithoutAudio would list.
func (s *Store) CountArticlesWithoutAudio(ctx context.Context, since time.Time) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM articles a LEFT JOIN article_audio au ON au.article_id = a.id
		WHERE a.status = 'published' AND a.published_at >= ? AND (au.state IS NULL OR au.state <> 'ready')`, since.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count articles without narration: %w", err)
	}
	return n, nil
}

// AudioPosition returns where a reader stopped listening to an article, in
// seconds; 0 when they never listened.
func (s *Store) AudioPosition(ctx context.Context, readerID, articleID int64) (float64, error) {
	var sec float64
	err := s.queryRow(ctx, "SELECT seconds FROM audio_positions WHERE reader_id = ? AND article_id = ?", readerID, articleID).Scan(&sec)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("read listening position: %w", err)
	}
	return sec, nil
}

// SetAudioPosition remembers where a reader stopped listening.
func (s *Store) SetAudioPosition(ctx context.Context, readerID, articleID int64, seconds float64) error {
	if seconds < 0 || seconds > 48*3600 {
		return magazine.Errorf(magazine.EINVALID, "That is not a position in the narration.")
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		_, err := s.exec(ctx, tx, `INSERT INTO audio_positions (reader_id, article_id, seconds, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (reader_id, article_id) DO UPDATE SET seconds = excluded.seconds, updated_at = excluded.updated_at`,
			readerID, articleID, seconds, s.Now().Unix())
		if isForeignKeyViolation(err) {
			return notFound("Article")
		} else if err != nil {
			return fmt.Errorf("save listening position: %w", err)
		}
		return nil
	})
}

// ArticlesToNarrate returns the published articles whose narration is due:
// those published since recent that were never narrated (an archive
// article waits for its first play or the backfill), and those edited
// after their narration was made, once they have been left alone for
// quiet (an editor saving every few seconds gets one narration, not ten).
// Articles already queued or rendering are left out.
func (s *Store) ArticlesToNarrate(ctx context.Context, now time.Time, recent, quiet time.Duration) ([]int64, error) {
	rows, err := s.query(ctx, `SELECT a.id FROM articles a LEFT JOIN article_audio au ON au.article_id = a.id
		WHERE a.status = 'published' AND a.updated_at <= ? AND (
			(au.article_id IS NULL AND a.published_at >= ? AND a.published_at <= ?)
			OR (au.state IN ('ready', 'failed') AND au.source_updated_at > 0 AND a.updated_at > au.source_updated_at))
		ORDER BY a.published_at DESC LIMIT 100`,
		now.Add(-quiet).Unix(), now.Add(-recent).Unix(), now.Unix())
	if err != nil {
		return nil, fmt.Errorf("list articles to narrate: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list articles to narrate: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
