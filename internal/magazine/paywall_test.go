package magazine

import "testing"

func TestDecide(t *testing.T) {
	published := func(v Visibility) Article { return Article{Status: StatusPublished, Visibility: v} }
	anon := Viewer{}
	reader := Viewer{Registered: true}
	metered := Viewer{Registered: true, MeterLeft: 2}
	reopened := Viewer{Registered: true, MeterOpened: true}
	subscriber := Viewer{Registered: true, Entitlements: map[Entitlement]bool{EntSubscriberContent: true}}
	printOnly := Viewer{Registered: true, Entitlements: map[Entitlement]bool{EntPrintEdition: true}}
	staff := Viewer{Staff: true}
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
	}
	for _, tt := range tests {
		if got := Decide(tt.v, tt.a); got != tt.want {
			t.Errorf("%s: Decide = %+v, want %+v", tt.name, got, tt.want)
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
