package fulfilment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// LabelsTimeout bounds WeasyPrint on one labels PDF. A list of 100,000
// addresses is some 3,300 sheets: 3,000 labels took 28 s here and 15,000
// took 215 s on a loaded machine, so a long list needs many minutes, far
// longer than an issue's PDF, and the converter's own timeout is not used.
const LabelsTimeout = time.Hour

// LabelMaker makes the labels PDFs circulation asks for, on the job
// queue: a long list takes WeasyPrint minutes, longer than a request
// may wait.
type LabelMaker struct {
	Store *store.Store
	Files media.Storage
	PDF   *edition.PDFConverter // nil: no converter, nothing is made
	Log   *slog.Logger
}

// Make makes the issue's labels on paper from its list (kept if its
// cut-off has passed, provisional before) and records them; a failure is
// recorded with a plain reason for the mailing page.
func (m *LabelMaker) Make(ctx context.Context, issueID int64, paperName string) error {
	paper, ok := Papers[paperName]
	if !ok {
		return fmt.Errorf("labels of issue %d: no paper %q", issueID, paperName)
	}
	start := time.Now()
	l, err := m.make(ctx, issueID, paper)
	if err != nil {
		reason := "WeasyPrint could not make the labels; the server log has the details."
		if errors.Is(err, context.DeadlineExceeded) {
			reason = "WeasyPrint took longer than an hour over the labels and was stopped."
		}
		if magazine.ErrorCode(err) != magazine.EINTERNAL {
			reason = magazine.ErrorMessage(err)
		}
		if ferr := m.Store.MailingLabelsFailed(context.WithoutCancel(ctx), issueID, paper.Name, reason); ferr != nil {
			return errors.Join(err, ferr)
		}
		return err
	}
	l.Seconds = time.Since(start).Seconds()
	if err := m.Store.SaveMailingLabels(ctx, l); err != nil {
		return err
	}
	if m.Log != nil {
		m.Log.Info("made mailing labels", "issue", issueID, "paper", paper.Name, "labels", l.Labels, "seconds", l.Seconds)
	}
	return nil
}

func (m *LabelMaker) make(ctx context.Context, issueID int64, paper Paper) (store.MailingLabels, error) {
	out := store.MailingLabels{IssueID: issueID, Paper: paper.Name}
	if m.PDF == nil {
		return out, magazine.Errorf(magazine.EINVALID, "%s", edition.NoConverter)
	}
	lists := Lists{Store: m.Store}
	info, err := lists.Info(ctx, issueID)
	if err != nil {
		return out, err
	}
	// The cut-off may have passed since the labels were asked for: they
	// are then made from the list as it is kept.
	if info, err = lists.Freeze(ctx, store.Actor{Email: "mailing labels job"}, info); err != nil {
		return out, err
	}
	conv := *m.PDF
	conv.Timeout = LabelsTimeout
	pr, pw := io.Pipe()
	go func() {
		_, err := lists.WriteCSV(ctx, info, pw)
		pw.CloseWithError(err)
	}()
	pdf, n, err := LabelsPDF(ctx, &conv, pr, paper, info.Issue)
	pr.CloseWithError(io.ErrClosedPipe)
	if err != nil {
		return out, err
	}
	if out.Key, err = media.Key(pdf, "application/pdf"); err != nil {
		return out, err
	}
	if err := m.Files.Put(ctx, out.Key, pdf); err != nil {
		return out, fmt.Errorf("store the labels of issue %d: %w", issueID, err)
	}
	out.Size, out.Labels, out.MadeAt = int64(len(pdf)), n, m.Store.Now()
	if info.Frozen != nil {
		out.ListSHA256 = info.Frozen.SHA256
	}
	return out, nil
}
