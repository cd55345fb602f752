package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func houseAd(name, starts, ends string, weight int, slots ...magazine.AdSlot) magazine.Ad {
	return magazine.Ad{Name: name, Kind: magazine.AdHouse, ImageKey: "ab/cd.png", Alt: name + " poster", LinkURL: "https://shop.example/" + name,
		Starts: day(starts), Ends: day(ends), Weight: weight, Slots: slots}
}

func adNames(ads []magazine.Ad) string {
	var names []string
	for _, a := range ads {
		names = append(names, a.Name)
	}
	return strings.Join(names, " ")
}

// TestAdInventory: the ads live for a slot on a day are those whose days
// include it (both ends counted) and whose slots name it, with their
// weights; every change is audited and moves the content version.
func TestAdInventory(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		me := store.Actor{Email: "admin@example.com", IP: "192.0.2.1"}
		spring := houseAd("spring", "2026-03-01", "2026-03-31", 3, magazine.SlotArticleEnd, magazine.SlotHome)
		march := houseAd("march", "2026-03-15", "2026-03-15", 1, magazine.SlotArticleEnd)
		tag := magazine.Ad{Name: "network", Kind: magazine.AdTag, TagHTML: `<div id="x"></div><script src="https://ads.example/t.js"></script>`,
			Starts: day("2026-02-01"), Ends: day("2026-04-30"), Weight: 2, Slots: []magazine.AdSlot{magazine.SlotList, magazine.SlotArticleInline}}
		before := s.Version()
		for _, a := range []*magazine.Ad{&spring, &march, &tag} {
			if err := s.CreateAd(ctx, me, a); err != nil {
				t.Fatal(err)
			}
		}
		if s.Version() == before {
			t.Error("adding ads left the content version: cached pages would not show them")
		}
		tests := []struct {
			slot magazine.AdSlot
			on   string
			want string
		}{
			{magazine.SlotArticleEnd, "2026-02-28", ""},
			{magazine.SlotArticleEnd, "2026-03-01", "spring"},
			{magazine.SlotArticleEnd, "2026-03-15", "spring march"},
			{magazine.SlotArticleEnd, "2026-03-16", "spring"},
			{magazine.SlotArticleEnd, "2026-03-31", "spring"},
			{magazine.SlotArticleEnd, "2026-04-01", ""},
			{magazine.SlotHome, "2026-03-15", "spring"},
			{magazine.SlotList, "2026-03-15", "network"},
			{magazine.SlotArticleInline, "2026-04-30", "network"},
			{magazine.SlotArticleInline, "2026-05-01", ""},
		}
		for _, tt := range tests {
			got, err := s.LiveAds(ctx, tt.slot, day(tt.on))
			if err != nil {
				t.Fatal(err)
			}
			if adNames(got) != tt.want {
				t.Errorf("live in %s on %s: %q, want %q", tt.slot, tt.on, adNames(got), tt.want)
			}
		}
		live, _ := s.LiveAds(ctx, magazine.SlotArticleEnd, day("2026-03-15"))
		if len(live) != 2 || live[0].Weight != 3 || live[1].Weight != 1 || live[0].Alt != "spring poster" || live[0].LinkURL != "https://shop.example/spring" {
			t.Errorf("live ads read back as %+v", live)
		}
		// Weights share a slot: of four draws, three are spring's.
		counts := map[string]int{}
		for n := range uint64(4) {
			a, _ := magazine.PickAd(live, n)
			counts[a.Name]++
		}
		if counts["spring"] != 3 || counts["march"] != 1 {
			t.Errorf("weighted picks: %v, want spring 3, march 1", counts)
		}

		// A change: march moves to the home page and gets weight 5.
		march.Slots, march.Weight = []magazine.AdSlot{magazine.SlotHome}, 5
		if err := s.UpdateAd(ctx, me, &march); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.LiveAds(ctx, magazine.SlotArticleEnd, day("2026-03-15")); adNames(got) != "spring" {
			t.Errorf("after moving march, article-end has %q", adNames(got))
		}
		if got, _ := s.LiveAds(ctx, magazine.SlotHome, day("2026-03-15")); adNames(got) != "spring march" || got[1].Weight != 5 {
			t.Errorf("after moving march, home has %+v", got)
		}

		// Refused: the inventory is as it was.
		bad := houseAd("backwards", "2026-03-10", "2026-03-09", 1, magazine.SlotHome)
		checkError(t, s.CreateAd(ctx, me, &bad), magazine.EINVALID, "ends")
		bad = houseAd("heavy", "2026-03-10", "2026-03-10", 0, magazine.SlotHome)
		checkError(t, s.CreateAd(ctx, me, &bad), magazine.EINVALID, "weight")
		bad = houseAd("nowhere", "2026-03-10", "2026-03-10", 1, "sidebar")
		checkError(t, s.CreateAd(ctx, me, &bad), magazine.EINVALID, "slots")
		bad = houseAd("blind", "2026-03-10", "2026-03-10", 1, magazine.SlotHome)
		bad.Alt = "  "
		checkError(t, s.CreateAd(ctx, me, &bad), magazine.EINVALID, "alt")
		bad = magazine.Ad{Name: "broken", Kind: magazine.AdTag, TagHTML: `<div><script>load()</div>`, Starts: day("2026-03-01"), Ends: day("2026-03-02"), Weight: 1,
			Slots: []magazine.AdSlot{magazine.SlotList}}
		checkError(t, s.CreateAd(ctx, me, &bad), magazine.EINVALID, "tag_html")
		missing := march
		missing.ID = 9999
		if err := s.UpdateAd(ctx, me, &missing); !magazine.IsNotFound(err) {
			t.Errorf("updating a missing ad: %v", err)
		}

		// Counting: daily totals, shown from a day on.
		for _, c := range []struct {
			on    string
			click bool
		}{{"2026-03-14", false}, {"2026-03-15", false}, {"2026-03-15", false}, {"2026-03-15", true}} {
			count := s.CountAdImpression
			if c.click {
				count = s.CountAdClick
			}
			if err := count(ctx, spring.ID, day(c.on)); err != nil {
				t.Fatal(err)
			}
		}
		stats, err := s.AdStats(ctx, spring.ID, day("2026-03-01"))
		if err != nil {
			t.Fatal(err)
		}
		if len(stats) != 2 || stats[0].Day.Format(time.DateOnly) != "2026-03-15" || stats[0].Impressions != 2 || stats[0].Clicks != 1 || stats[1].Impressions != 1 {
			t.Errorf("daily totals: %+v", stats)
		}
		rows, err := s.Ads(ctx, day("2026-03-15"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 || rows[0].Name != "network" {
			t.Fatalf("the inventory: %+v", rows)
		}
		for _, r := range rows {
			if r.Name == "spring" && (r.Impressions != 2 || r.Clicks != 1) {
				t.Errorf("spring's totals since March 15: %d impressions, %d clicks; want 2 and 1", r.Impressions, r.Clicks)
			}
		}

		if err := s.DeleteAd(ctx, me, spring.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AdByID(ctx, spring.ID); !magazine.IsNotFound(err) {
			t.Errorf("a deleted ad: %v", err)
		}
		if stats, _ := s.AdStats(ctx, spring.ID, day("2026-01-01")); len(stats) != 0 {
			t.Errorf("a deleted ad keeps its counts: %+v", stats)
		}
		log, err := s.AuditLog(ctx, 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range log {
			if strings.HasPrefix(e.Action, "ad.") {
				actions = append(actions, e.Action+" "+e.Target)
				if e.ActorEmail != me.Email || e.IP != me.IP {
					t.Errorf("audit entry %s by %q from %q", e.Action, e.ActorEmail, e.IP)
				}
			}
		}
		if got := strings.Join(actions, ", "); got != "ad.delete spring, ad.update march, ad.create network, ad.create march, ad.create spring" {
			t.Errorf("audit log: %s", got)
		}
	})
}
