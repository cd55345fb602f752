package magazine

import (
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
	published := func(v Visibility) Article { return Article{Status: StatusPublished, Visibility: v} }
	anon := Viewer{}
	reader := Viewer{Registered: true}
	metered := Viewer{Registered: true, MeterLeft: 2}
	reopened := Viewer{Registered: true, MeterOpened: true}
	subscriber := Viewer{Registered: true, Entitlements: map[Entitlement]bool{EntSubscriberContent: true}}
	printOnly := Viewer{Registered: true, Entitlements: map[Entitlement]bool{EntPrintEdition: true}}
	staff := Viewer{Staff: true}
	// The clock says 2026-05-01 and the window is 12 months.
	from := ArchiveStart(time.Date(2026, 5, 1, 15, 0, 0, 0, time.UTC), 12)
	windowed := Viewer{Registered: true, ArchiveFrom: from, Entitlements: map[Entitlement]bool{EntSubscriberContent: true}}
	archivist := Viewer{Registered: true, ArchiveFrom: from, Entitlements: map[Entitlement]bool{EntSubscriberContent: true, EntArchive: true}}
	datedArticle := func(v Visibility, d time.Time) Article {
		return Article{Status: StatusPublished, Visibility: v, PublishedAt: d}
	}
	inIssue := func(published, cover time.Time) Article {
		a := datedArticle(VisibilitySubscribers, published)
		a.IssueID, a.IssueDate = 1, cover
		return a
	}
	full, preview := Decision{Access: AccessFull}, func(p string) Decision { return Decision{Access: AccessPreview, Prompt: p} }
	tests := []struct {
		name string
		v    Viewer
		a    Article
		want Decision
	}{
		{"anonymous, public", anon, published(VisibilityPublic), full},
		{"anonymous, registered", anon, published(VisibilityRegistered), preview("sign_in")},
		{"anonymous, subscribers", anon, published(VisibilitySubscribers), preview("subscribe")},
		{"reader, registered", reader, published(VisibilityRegistered), full},
		{"reader, subscribers, meter off", reader, published(VisibilitySubscribers), preview("subscribe")},
		{"reader, subscribers, meter left", metered, published(VisibilitySubscribers), Decision{Access: AccessFull, UsesMeter: true}},
		{"reader, subscribers, already opened", reopened, published(VisibilitySubscribers), full},
		{"anonymous with meter state, subscribers", Viewer{MeterLeft: 5}, published(VisibilitySubscribers), preview("subscribe")},
		{"subscriber, subscribers", subscriber, published(VisibilitySubscribers), full},
		{"print-only entitlement, subscribers", printOnly, published(VisibilitySubscribers), preview("subscribe")},
		{"subscriber, draft", subscriber, Article{Status: StatusDraft, Visibility: VisibilityPublic}, Decision{Access: AccessNone}},
		{"anonymous, scheduled", anon, Article{Status: StatusScheduled, Visibility: VisibilityPublic}, Decision{Access: AccessNone}},
		{"staff, draft", staff, Article{Status: StatusDraft, Visibility: VisibilitySubscribers}, full},
		{"unknown visibility", subscriber, published("plans-only"), preview("subscribe")},
		{"subscriber, inside the archive window", windowed, datedArticle(VisibilitySubscribers, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)), full},
		{"subscriber, beyond the archive window", windowed, datedArticle(VisibilitySubscribers, time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC)), preview("archive")},
		{"subscriber, old article of a recent issue", windowed, inIssue(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), full},
		{"subscriber, recent article of an old issue", windowed, inIssue(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), preview("archive")},
		{"archive subscriber, beyond the window", archivist, datedArticle(VisibilitySubscribers, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)), full},
		{"metered reader, beyond the window", Viewer{Registered: true, MeterLeft: 3, ArchiveFrom: windowed.ArchiveFrom}, datedArticle(VisibilitySubscribers, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), preview("archive")},
		{"anonymous, public, beyond the window", Viewer{ArchiveFrom: windowed.ArchiveFrom}, datedArticle(VisibilityPublic, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)), full},
	}
	for _, tt := range tests {
		if got := Decide(tt.v, tt.a); got != tt.want {
			t.Errorf("%s: Decide = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestArchiveStart(t *testing.T) {
	now := time.Date(2026, 5, 1, 23, 0, 0, 0, time.UTC)
	if got := ArchiveStart(now, 12); !got.Equal(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ArchiveStart(12 months) = %s, want 2025-05-01", got)
	}
	if got := ArchiveStart(now, 0); !got.IsZero() {
		t.Errorf("a window of 0 months means none, got %s", got)
	}
}

func TestCanReadEdition(t *testing.T) {
	from := ArchiveStart(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), 12)
	recent := Issue{Published: true, CoverDate: time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC)}
	old := Issue{Published: true, CoverDate: time.Date(2024, 4, 15, 0, 0, 0, 0, time.UTC)}
	ents := func(e ...Entitlement) map[Entitlement]bool {
		m := map[Entitlement]bool{}
		for _, x := range e {
			m[x] = true
		}
		return m
	}
	tests := []struct {
		name  string
		v     Viewer
		issue Issue
		want  bool
	}{
		{"anonymous", Viewer{}, recent, false},
		{"subscriber without the edition", Viewer{Registered: true, Entitlements: ents(EntSubscriberContent)}, recent, false},
		{"digital, recent issue", Viewer{Registered: true, ArchiveFrom: from, Entitlements: ents(EntDigitalEdition)}, recent, true},
		{"digital, old issue", Viewer{Registered: true, ArchiveFrom: from, Entitlements: ents(EntDigitalEdition)}, old, false},
		{"digital with archive, old issue", Viewer{Registered: true, ArchiveFrom: from, Entitlements: ents(EntDigitalEdition, EntArchive)}, old, true},
		{"digital, unpublished issue", Viewer{Registered: true, Entitlements: ents(EntDigitalEdition)}, Issue{CoverDate: recent.CoverDate}, false},
		{"staff, unpublished issue", Viewer{Staff: true}, Issue{CoverDate: recent.CoverDate}, true},
	}
	for _, tt := range tests {
		if got := CanReadEdition(tt.v, tt.issue); got != tt.want {
			t.Errorf("%s: CanReadEdition = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	v := Viewer{Registered: true, MeterLeft: 1, Entitlements: map[Entitlement]bool{EntAudio: true}}
	a := Article{Status: StatusPublished, Visibility: VisibilitySubscribers}
	for b.Loop() {
		if Decide(v, a).Access != AccessFull {
			b.Fatal("wrong decision")
		}
	}
}

func TestMayHear(t *testing.T) {
	t.Parallel()
	pub := Article{Status: StatusPublished, Visibility: VisibilityPublic}
	gated := Article{Status: StatusPublished, Visibility: VisibilitySubscribers}
	draft := Article{Status: StatusDraft, Visibility: VisibilityPublic}
	audio := map[Entitlement]bool{EntAudio: true}
	both := map[Entitlement]bool{EntAudio: true, EntSubscriberContent: true}
	for _, c := range []struct {
		name string
		v    Viewer
		a    Article
		want bool
	}{
		{"anonymous, public article", Viewer{}, pub, false},
		{"registered, no plan", Viewer{Registered: true}, pub, false},
		{"reading plan without audio", Viewer{Registered: true, Entitlements: map[Entitlement]bool{EntSubscriberContent: true}}, gated, false},
		{"audio plan, public article", Viewer{Registered: true, Entitlements: audio}, pub, true},
		{"audio without reading, gated article", Viewer{Registered: true, Entitlements: audio}, gated, false},
		{"audio on the meter", Viewer{Registered: true, Entitlements: audio, MeterLeft: 3}, gated, false},
		{"audio and reading", Viewer{Registered: true, Entitlements: both}, gated, true},
		{"draft", Viewer{Registered: true, Entitlements: both}, draft, false},
		{"staff", Viewer{Staff: true}, draft, true},
	} {
		if got := MayHear(c.v, c.a); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
