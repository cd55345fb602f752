package web

import (
	"context"
	"slices"
	"strconv"

	"github.com/masthead-press/masthead/internal/magazine"
)

// entitlementWords say in plain words what each entitlement gives.
var entitlementWords = map[magazine.Entitlement]string{
	magazine.EntSubscriberContent: "Exclusive subscriber content",
	magazine.EntDigitalEdition:    "Digital edition access",
	magazine.EntAudio:             "Audio provided for all articles",
	magazine.EntArchive:           "Unlimited access to past issues",
	magazine.EntPrintEdition:      "The print edition by post, 24 issues a year",
	magazine.EntAdFree:            "Ad-free reading",
}

// promise says what entitlement e gives a subscriber here today, or ""
// when it gives nothing yet, so that no offer sells what the product does
// not deliver: audio only where narration can be made (an engine and
// ffmpeg installed, narration on), ad-free as coming soon until the
// publication says it is live.
func (s *Site) promise(ctx context.Context, pub magazine.Publication, e magazine.Entitlement) string {
	switch e {
	case magazine.EntAudio:
		if s.audio == nil || s.audio.Available(ctx) != nil {
			return ""
		}
	case magazine.EntAdFree:
		if !pub.AdFreeLive {
			return "Ad-free (coming soon)"
		}
	}
	return entitlementWords[e]
}

// endOffer is the magazine's offer at the end of an article, for a
// reader without a subscription: the pitch, a Subscribe button and
// what the plans on sale include.
type endOffer struct {
	Name     string
	Pitch    string
	Includes []string
}

// whatsIncluded is what the plans on offer give between them, each
// promise once, in the order of magazine.Entitlements, with the longest
// money-back guarantee any of them has: the list of the end-of-article
// offer and of the subscribe page's head. Empty when nothing is on sale.
func whatsIncluded(offers []offer) []string {
	if len(offers) == 0 {
		return nil
	}
	out := []string{"24 issues per year"}
	refund := 0
	for _, o := range offers {
		for _, p := range o.Promises {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
		refund = max(refund, o.Plan.RefundWindowDays)
	}
	if refund > 0 {
		out = append(out, strconv.Itoa(refund)+"-day money-back guarantee")
	}
	return append(out, "Cancel anytime")
}

// articleOffer is the end-of-article offer for viewer v, or nil: staff
// and subscribers get none, and neither does a site with nothing on sale.
func (s *Site) articleOffer(ctx context.Context, v magazine.Viewer, pub magazine.Publication) (*endOffer, error) {
	if v.Staff || v.Has(magazine.EntSubscriberContent) {
		return nil, nil
	}
	offers, err := s.offers(ctx)
	if err != nil {
		return nil, err
	}
	inc := whatsIncluded(offers)
	if len(inc) == 0 {
		return nil, nil
	}
	return &endOffer{Name: pub.Name, Pitch: pub.Pitch(), Includes: inc}, nil
}
