package edition

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// DefaultQuiet is how long an issue's content must rest before its
// existing files are rebuilt: an editor fixing five typos in a row makes
// one rebuild, not five.
const DefaultQuiet = 30 * time.Second

// Builder makes the editions of published issues and keeps them current.
type Builder struct {
	Store   *store.Store
	Files   media.Storage
	Log     *slog.Logger
	BaseURL string
	// PDF converts the print edition; nil when no converter is installed,
	// and then no PDF is built or offered.
	PDF *PDFConverter
	// Now is the clock of the debounce; time.Now when nil.
	Now func() time.Time
	// Quiet is the debounce; DefaultQuiet when zero.
	Quiet time.Duration
	// PerRun bounds the builds of one BuildStale run, newest issues
	// first, so that a large back catalogue is built over many runs
	// instead of in one long burst; 0 means no bound.
	PerRun int
}

// Formats are the formats b builds.
func (b *Builder) Formats() []string {
	if b.PDF != nil {
		return []string{store.FormatEPUB, store.FormatPDF}
	}
	return []string{store.FormatEPUB}
}

// BuildStale builds every published issue's editions that are missing or
// older than the issue's content, and returns how many it built. An issue
// whose files exist waits until its content has been quiet for Quiet. A
// failed build is recorded for the admin and does not stop the others.
func (b *Builder) BuildStale(ctx context.Context) (int, error) {
	now, quiet := b.now(), b.Quiet
	if quiet == 0 {
		quiet = DefaultQuiet
	}
	sources, err := b.Store.IssueSources(ctx)
	if err != nil {
		return 0, err
	}
	built, pdfs := 0, 0
	for _, src := range sources {
		eds, err := b.Store.Editions(ctx, src.IssueID)
		if err != nil {
			return built, err
		}
		for _, format := range b.Formats() {
			e := eds[format]
			if e.Source == src.Source || (e.Ready() && now.Sub(src.LastChange) < quiet) {
				continue
			}
			if b.PerRun > 0 && built >= b.PerRun {
				return built, nil
			}
			// A PDF costs many EPUBs: a bounded run makes one at most,
			// so a large back catalogue does not hold the CPU for long.
			if format == store.FormatPDF && b.PerRun > 0 {
				if pdfs > 0 {
					continue
				}
				pdfs++
			}
			if err := b.Build(ctx, src.IssueID, format, src.Source); err != nil {
				if ctx.Err() != nil {
					return built, ctx.Err()
				}
				continue // recorded by Build
			}
			built++
		}
	}
	return built, nil
}

// Build makes one edition of an issue from its current content and stores
// it. A failure is recorded with its reason (the issue's admin page shows
// it); the last good file, if any, stays on offer, and a broken or partial
// file never replaces it.
func (b *Builder) Build(ctx context.Context, issueID int64, format, source string) error {
	start := time.Now()
	data, err := b.make(ctx, issueID, format)
	if err != nil {
		b.log().Warn("edition build failed", "issue", issueID, "format", format, "err", err)
		if rerr := b.Store.EditionFailed(context.WithoutCancel(ctx), issueID, format, source, err.Error()); rerr != nil {
			return errors.Join(err, rerr)
		}
		return err
	}
	ct := map[string]string{store.FormatEPUB: ContentTypeEPUB, store.FormatPDF: ContentTypePDF}[format]
	key, err := media.Key(data, ct)
	if err == nil {
		err = b.Files.Put(ctx, key, data)
	}
	if err == nil {
		err = b.Store.SaveEdition(ctx, store.Edition{IssueID: issueID, Format: format, Key: key, Size: int64(len(data)), Source: source,
			BuiltAt: time.Now(), Seconds: time.Since(start).Seconds()})
	}
	if err != nil {
		b.Store.EditionFailed(context.WithoutCancel(ctx), issueID, format, source, "storing the file failed: "+err.Error())
		return err
	}
	b.log().Info("edition built", "issue", issueID, "format", format, "bytes", len(data), "seconds", time.Since(start).Seconds())
	if format == store.FormatEPUB {
		if err := b.sendToKindles(ctx, issueID, key); err != nil {
			b.log().Warn("could not queue the new issue for Kindles; readers can send it from their account", "issue", issueID, "err", err)
		}
	}
	return nil
}

// Content reads what an issue's edition is made of.
func (b *Builder) Content(ctx context.Context, issueID int64) (Content, error) {
	issue, err := b.Store.IssueByID(ctx, issueID)
	if err != nil {
		return Content{}, err
	}
	pub, err := b.Store.Publication(ctx)
	if err != nil {
		return Content{}, err
	}
	articles, err := b.Store.EditionArticles(ctx, issueID)
	if err != nil {
		return Content{}, err
	}
	return Content{Pub: pub, Issue: issue, Articles: articles, BaseURL: b.BaseURL}, nil
}

func (b *Builder) make(ctx context.Context, issueID int64, format string) ([]byte, error) {
	c, err := b.Content(ctx, issueID)
	if err != nil {
		return nil, err
	}
	switch format {
	case store.FormatEPUB:
		return EPUB(ctx, c, newImages(b.Files))
	case store.FormatPDF:
		if b.PDF == nil {
			return nil, errors.New(NoConverter)
		}
		return b.PDF.Convert(ctx, c, newImages(b.Files))
	}
	return nil, magazine.Errorf(magazine.EINVALID, "Unknown edition format %q.", format)
}

func (b *Builder) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *Builder) log() *slog.Logger {
	if b.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return b.Log
}

// Content types of the edition files.
const (
	ContentTypeEPUB = "application/epub+zip"
	ContentTypePDF  = "application/pdf"
)

// FileName is the name a download is saved under: "masthead-40-5.epub".
func FileName(slug string, i magazine.Issue, format string) string {
	ext := ".pdf"
	if format == store.FormatEPUB {
		ext = ".epub"
	}
	return fmt.Sprintf("%s-%d-%d%s", slug, i.Volume, i.Number, ext)
}
