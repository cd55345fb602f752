package magazine

import "time"

// Entitlement is one thing a plan gives its subscribers.
type Entitlement string

// The fixed set of entitlements a plan can carry.
const (
	EntSubscriberContent Entitlement = "subscriber_content" // read subscribers-only articles
	EntDigitalEdition    Entitlement = "digital_edition"    // the issue as EPUB, web reader and replica PDF
	EntAudio             Entitlement = "audio"              // narration and the private podcast feed
	EntArchive           Entitlement = "archive"            // the whole archive and its full-text search
	EntPrintEdition      Entitlement = "print_edition"      // the printed magazine by post
	EntAdFree            Entitlement = "ad_free"            // no ad slots filled, no ad code sent
)

// Entitlements lists every entitlement, in the order the offer presents
// them.
var Entitlements = []Entitlement{EntSubscriberContent, EntDigitalEdition, EntAudio, EntArchive, EntPrintEdition, EntAdFree}

// Valid reports whether e is a known entitlement.
func (e Entitlement) Valid() bool {
	for _, k := range Entitlements {
		if e == k {
			return true
		}
	}
	return false
}

// Viewer is who is asking to read, as the paywall sees them. The zero
// Viewer is an anonymous reader.
type Viewer struct {
	// Registered is true for a signed-in reader, whatever their plan.
	Registered bool
	// Staff can read everything, published or not.
	Staff bool
	// Entitlements come from the viewer's subscriptions that grant access
	// now (active, trialing, or past due inside the grace period).
	Entitlements map[Entitlement]bool
	// MeterLeft is how many more subscribers-only articles a registered
	// reader without a subscription may open this month; 0 when the meter
	// is off or used up.
	MeterLeft int
	// MeterOpened reports whether this article was already counted against
	// the meter this month (opening it again costs nothing).
	MeterOpened bool
	// ArchiveFrom is the oldest date from which this viewer reads
	// subscribers-only articles and editions without the archive
	// entitlement (see ArchiveStart); zero means no limit.
	ArchiveFrom time.Time
}

// Has reports whether the viewer holds entitlement e.
func (v Viewer) Has(e Entitlement) bool { return v.Entitlements[e] }

// Access is how much of an article a viewer may see.
type Access int

const (
	// AccessNone: the article does not exist for this viewer.
	AccessNone Access = iota
	// AccessPreview: the preview and a prompt to sign in or subscribe.
	AccessPreview
	// AccessFull: every page.
	AccessFull
)

// Decision is the paywall's answer for one viewer and one article.
type Decision struct {
	Access Access
	// UsesMeter is true when full access is granted by spending one of the
	// registered reader's free articles: the caller records it.
	UsesMeter bool
	// Prompt says what would unlock the article: "sign_in" or "subscribe";
	// empty with full access.
	Prompt string
}

// Decide is the paywall: the one place that says what a viewer may see of
// an article. Every surface (pages, print view, feeds, API, search,
// structured data) asks it and sends nothing past the preview unless it
// says AccessFull. It is pure: no I/O, no clock (the viewer's ArchiveFrom
// carries the date the caller's clock gave). A subscribers-only article
// older than the archive window needs the archive entitlement: without it
// the prompt is "archive".
func Decide(v Viewer, a Article) Decision {
	if v.Staff {
		return Decision{Access: AccessFull}
	}
	if a.Status != StatusPublished {
		return Decision{Access: AccessNone}
	}
	switch a.Visibility {
	case VisibilityPublic:
		return Decision{Access: AccessFull}
	case VisibilityRegistered:
		if v.Registered {
			return Decision{Access: AccessFull}
		}
		return Decision{Access: AccessPreview, Prompt: "sign_in"}
	case VisibilitySubscribers:
		switch {
		case v.inArchive(a.ArchiveDate()):
			return Decision{Access: AccessPreview, Prompt: "archive"}
		case v.Has(EntSubscriberContent):
			return Decision{Access: AccessFull}
		case v.Registered && v.MeterOpened:
			return Decision{Access: AccessFull}
		case v.Registered && v.MeterLeft > 0:
			return Decision{Access: AccessFull, UsesMeter: true}
		}
		return Decision{Access: AccessPreview, Prompt: "subscribe"}
	}
	// An unknown visibility is treated as the strictest.
	return Decision{Access: AccessPreview, Prompt: "subscribe"}
}

// DefaultArchiveWindowMonths is how far back a subscription without the
// archive entitlement reads, unless the settings say otherwise.
const DefaultArchiveWindowMonths = 12

// ArchiveStart is the first date inside an archive window of months
// before now; zero when months is 0 (no window).
func ArchiveStart(now time.Time, months int) time.Time {
	if months <= 0 {
		return time.Time{}
	}
	return dateOf(now).AddDate(0, -months, 0)
}

// ArchiveDate is the date the archive window counts from: the cover date
// of the article's issue, else its publish date.
func (a Article) ArchiveDate() time.Time {
	if !a.IssueDate.IsZero() {
		return a.IssueDate
	}
	return a.PublishedAt
}

// inArchive reports whether something dated d lies beyond this viewer's
// archive window.
func (v Viewer) inArchive(d time.Time) bool {
	return !v.Staff && !v.Has(EntArchive) && !v.ArchiveFrom.IsZero() && d.Before(v.ArchiveFrom)
}

// CanReadEdition reports whether the viewer may have an issue's digital
// edition (the web edition, the EPUB, the PDF and the replica): staff,
// or a reader with the digital_edition entitlement, and for an issue
// older than the archive window, the archive entitlement too.
func CanReadEdition(v Viewer, i Issue) bool {
	if v.Staff {
		return true
	}
	return i.Published && v.Has(EntDigitalEdition) && !v.inArchive(i.CoverDate)
}

// MayHear reports whether the viewer may listen to an article's narration
// (and have it in their podcast feed): it is the article's text spoken, so
// they must be able to read all of it, without spending the meter, and
// hold the audio entitlement. Staff may always listen.
func MayHear(v Viewer, a Article) bool {
	if v.Staff {
		return true
	}
	d := Decide(v, a)
	return d.Access == AccessFull && !d.UsesMeter && v.Has(EntAudio)
}
