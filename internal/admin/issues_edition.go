package admin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// MaxReplicaBytes bounds an uploaded replica PDF.
const MaxReplicaBytes = 200 << 20

// requestEditions asks the job queue to build editions now (an issue was
// published, or staff asked for a retry).
func (a *Admin) requestEditions(ctx context.Context) {
	if a.buildEditions != nil {
		a.buildEditions(ctx)
	}
}

// retryEdition forgets a failed (or any) build's fingerprint so that the
// next run makes the file again.
func (a *Admin) retryEdition(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	format := r.PathValue("format")
	if format != store.FormatEPUB && format != store.FormatPDF {
		return magazine.Errorf(magazine.ENOTFOUND, "There is no such edition.")
	}
	if err := a.store.RetryEdition(r.Context(), issue.ID, format); err != nil {
		return err
	}
	a.requestEditions(r.Context())
	return done(issue.ID, "retry")
}

// uploadReplica stores the printer's PDF of an issue, which readers then
// get as its PDF. Anything but a whole PDF up to 200 MB is refused, and a
// refused upload changes nothing.
func (a *Admin) uploadReplica(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		return a.issueError(w, r, me, issue, a.newPage(me, issue.Label()), err)
	}
	if a.files == nil {
		return fail(magazine.FieldError("replica", "This server has no file storage for uploads."))
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxReplicaBytes+64<<10)
	err = r.ParseMultipartForm(1 << 20)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return fail(&magazine.Error{Code: magazine.ETOOLARGE, Field: "replica", Message: "The PDF is larger than the 200 MB limit. Export it smaller and upload it again."})
	case err != nil:
		return fail(magazine.FieldError("replica", "Choose the replica PDF to upload."))
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return fail(magazine.FieldError("replica", "Choose the replica PDF to upload."))
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxReplicaBytes+1))
	if err != nil {
		return fail(magazine.FieldError("replica", "The upload was interrupted. Try again."))
	}
	if len(data) > MaxReplicaBytes {
		return fail(&magazine.Error{Code: magazine.ETOOLARGE, Field: "replica", Message: "The PDF is larger than the 200 MB limit. Export it smaller and upload it again."})
	}
	if !edition.IsPDF(data) || !bytes.Contains(data, []byte("/Page")) {
		return fail(magazine.FieldError("replica", "That file is not a whole PDF. Upload the PDF the printer made."))
	}
	key, err := media.Key(data, edition.ContentTypePDF)
	if err != nil {
		return err
	}
	if err := a.files.Put(ctx, key, data); err != nil {
		return err
	}
	if err := a.store.SaveEdition(ctx, store.Edition{IssueID: issue.ID, Format: store.FormatReplica, Key: key, Size: int64(len(data)), BuiltAt: a.now()}); err != nil {
		return err
	}
	if err := a.audit(r, me, "issue.replica", issue.Label(), ""); err != nil {
		return err
	}
	return done(issue.ID, "replica")
}

func (a *Admin) removeReplica(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	if err := a.store.DeleteEdition(r.Context(), issue.ID, store.FormatReplica); err != nil {
		return err
	}
	if err := a.audit(r, me, "issue.replica_remove", issue.Label(), ""); err != nil {
		return err
	}
	return done(issue.ID, "noreplica")
}
