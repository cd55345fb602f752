package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// Circulation finds a subscriber by a part of their name as well as of
// their address, ignoring case.
func TestSubscribersByName(t *testing.T) {
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		c := newCirculation(t, st)
		ctx := context.Background()
		r, err := st.CreateReader(ctx, "q7@example.com", "Wilhelmina Okonkwo")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.billing().Comp(ctx, r.ID, c.digital.ID, c.clock.Now().AddDate(0, 1, 0), billing.Staff("admin@example.com")); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"okonkwo": 1, "WILHELMINA": 1, "q7@": 1, "nobody by that name": 0} {
			body := c.do(http.MethodGet, "/admin/subscribers?email="+url.QueryEscape(q), nil, c.admin).Body.String()
			rows := rowsOf(body)
			if len(rows) != want || (want == 1 && !strings.Contains(rows[0], "q7@example.com")) {
				t.Errorf("search %q: %d rows, want %d", q, len(rows), want)
			}
		}
	})
}
