package admin

import (
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/store"
)

const auditPageSize = 100

type auditData struct {
	Entries []store.AuditEntry
	Older   string // link to the next page, "" on the last
}

func (a *Admin) auditPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	var before int64
	if raw := r.URL.Query().Get("before"); raw != "" {
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 1 {
			return httpx.BadRequest("The before parameter must be an entry number, not %q.", raw)
		}
		before = n
	}
	entries, err := a.store.AuditLog(r.Context(), before, auditPageSize)
	if err != nil {
		return err
	}
	d := auditData{Entries: entries}
	if len(entries) == auditPageSize {
		d.Older = "/admin/audit?before=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	return a.render(w, http.StatusOK, "audit", a.newPage(me, "Audit log"), d)
}
