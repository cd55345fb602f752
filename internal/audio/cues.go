package audio

import (
	"context"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Cues are where the blocks of an article's pages start in its finished
// narration: what "play from this paragraph" seeks to.
type Cues struct {
	captions bool
	at       map[Place]time.Duration
}

// Len is how many blocks have a start.
func (c Cues) Len() int { return len(c.at) }

// Mark calls mark with each element of page (from 0) whose speech has a
// start in the narration, in order, and returns the page's HTML with what
// mark added. Without cues the fragment is returned as it is.
func (c Cues) Mark(page int, fragment string, mark func(el *xhtml.Node, start time.Duration)) string {
	if len(c.at) == 0 {
		return fragment
	}
	root := parsePage(fragment)
	marked := 0
	eachBlock(root, page, c.captions, func(b Block, el *xhtml.Node) {
		if start, ok := c.at[b.Place]; ok && el != nil {
			mark(el, start)
			marked++
		}
	})
	if marked == 0 {
		return fragment
	}
	var out strings.Builder
	for n := range root.ChildNodes() {
		if err := xhtml.Render(&out, n); err != nil {
			return fragment // a strings.Builder does not fail
		}
	}
	return out.String()
}

// Cues returns where each block of the article's pages starts in its
// finished narration; none before there is a file. The article as it is
// now is matched to the segments the file was joined from by their keys
// (the text as spoken, the engine, the voice, the lexicon), in order, so
// that the headline, byline and dek (read first, not in the body), the
// blocks that are not read and the paywall marker (never a segment)
// shift nothing; and after an edit the narration has not caught up with,
// only the paragraphs whose speech is not in the file go without a start.
func (n *Narrator) Cues(ctx context.Context, a magazine.Article) (Cues, error) {
	aa, err := n.Store.ArticleAudio(ctx, a.ID)
	if magazine.IsNotFound(err) || err == nil && aa.FileKey == "" {
		return Cues{}, nil
	} else if err != nil {
		return Cues{}, err
	}
	e, s, err := n.Current(ctx)
	if err != nil {
		return Cues{}, err
	}
	plan, err := n.plan(ctx, a, e, s)
	if magazine.ErrorCode(err) == magazine.EINVALID {
		return Cues{}, nil // nothing to read aloud
	} else if err != nil {
		return Cues{}, err
	}
	starts := aa.Starts
	if len(starts) != len(aa.Segments) {
		// Made before starts were kept: the segments' own lengths, which
		// run a frame or two short of their MP3 each.
		if starts, err = n.startsFromDurations(ctx, aa.Segments); err != nil {
			return Cues{}, err
		}
	}
	c := Cues{captions: s.ReadCaptions, at: map[Place]time.Duration{}}
	for i, j := range matchSegments(plan, aa.Segments) {
		if j >= 0 && plan[i].place.Page >= 0 {
			c.at[plan[i].place] = starts[j]
		}
	}
	return c, nil
}

// matchSegments returns, for each planned segment, the position of the
// same segment in the narration's list, or -1. It goes forward through
// both: a planned segment is matched with the next one of its key in the
// list, whatever lies between (segments of paragraphs deleted or changed
// since) being passed over; one whose key comes no more is left out.
func matchSegments(plan []planned, keys []string) []int {
	at := map[string][]int{}
	for j, k := range keys {
		at[k] = append(at[k], j)
	}
	out := make([]int, len(plan))
	next := 0
	for i, p := range plan {
		out[i] = -1
		for _, j := range at[p.key] {
			if j >= next {
				out[i], next = j, j+1
				break
			}
		}
	}
	return out
}

// segmentStarts is where each of the MP3 segments starts once they are
// joined: the sum of the frames before it. Nil if one is not MP3 as the
// encoder makes it (Cues then falls back on the segments' durations).
func segmentStarts(parts [][]byte) []time.Duration {
	out := make([]time.Duration, len(parts))
	var at time.Duration
	for i, b := range parts {
		out[i] = at
		d, err := MP3Duration(b)
		if err != nil {
			return nil
		}
		at += d
	}
	return out
}

func (n *Narrator) startsFromDurations(ctx context.Context, keys []string) ([]time.Duration, error) {
	segs, err := n.Store.Segments(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, len(keys))
	var at time.Duration
	for i, k := range keys {
		out[i] = at
		at += segs[k].Duration
	}
	return out, nil
}
