package web

import (
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// archiveNote says in plain words which plans open the whole archive, and
// tells each plan without it how far back it reads. "" when the archive
// window is off: then every plan reads everything.
func archiveNote(pub magazine.Publication, offers []offer) string {
	months := pub.ArchiveWindowMonths
	if months <= 0 {
		return ""
	}
	var whole []string
	for i := range offers {
		p := offers[i].Plan
		switch {
		case p.Grants(magazine.EntArchive):
			whole = append(whole, p.Name)
		case p.Grants(magazine.EntSubscriberContent) || p.Grants(magazine.EntDigitalEdition):
			offers[i].Includes = append(offers[i].Includes, "Past issues of the last "+strconv.Itoa(months)+" months (not the whole archive)")
		}
	}
	window := "the last " + strconv.Itoa(months) + " months"
	switch len(whole) {
	case 0:
		return "Subscriber articles and digital editions of " + window + " come with a subscription; no plan on offer opens older ones."
	case 1:
		return "The whole archive of past issues comes with " + whole[0] + ". Other plans read subscriber articles and editions of " + window + "."
	}
	return "The whole archive of past issues comes with " + strings.Join(whole[:len(whole)-1], ", ") + " and " + whole[len(whole)-1] +
		". Other plans read subscriber articles and editions of " + window + "."
}
