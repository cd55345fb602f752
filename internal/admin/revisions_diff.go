package admin

import (
	"strings"
)

// diffLine is one line of a line diff: kept, removed ("-") or added ("+").
type diffLine struct {
	Op   string // " ", "-" or "+"
	Text string
}

// maxDiffCells bounds the LCS table: two bodies of a few thousand lines
// each after their common start and end are trimmed. Past it the diff
// shows the old middle removed and the new one added, which is still
// correct, only coarser.
const maxDiffCells = 16_000_000

// lineDiff returns the lines of a and b as a diff: the longest common
// subsequence of lines kept, the rest removed or added. It is the
// textbook dynamic programme; the common start and end are trimmed first,
// so edits to a long body cost only the size of the edited region.
func lineDiff(a, b string) []diffLine {
	x, y := splitLines(a), splitLines(b)
	var head, tail []diffLine
	for len(x) > 0 && len(y) > 0 && x[0] == y[0] {
		head = append(head, diffLine{" ", x[0]})
		x, y = x[1:], y[1:]
	}
	for len(x) > 0 && len(y) > 0 && x[len(x)-1] == y[len(y)-1] {
		tail = append(tail, diffLine{" ", x[len(x)-1]})
		x, y = x[:len(x)-1], y[:len(y)-1]
	}
	out := head
	if (len(x)+1)*(len(y)+1) > maxDiffCells {
		for _, l := range x {
			out = append(out, diffLine{"-", l})
		}
		for _, l := range y {
			out = append(out, diffLine{"+", l})
		}
	} else {
		out = append(out, lcsDiff(x, y)...)
	}
	for i := len(tail) - 1; i >= 0; i-- {
		out = append(out, tail[i])
	}
	return out
}

// lcsDiff diffs x and y through the table of LCS lengths of their
// suffixes, walked from the start so that removals come before additions.
func lcsDiff(x, y []string) []diffLine {
	n, m := len(x), len(y)
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	var out []diffLine
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			out = append(out, diffLine{" ", x[i]})
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			out = append(out, diffLine{"-", x[i]})
			i++
		default:
			out = append(out, diffLine{"+", y[j]})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, diffLine{"-", x[i]})
	}
	for ; j < m; j++ {
		out = append(out, diffLine{"+", y[j]})
	}
	return out
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
