// Package doctor knows the optional system tools Masthead can use (speech
// engines, ffmpeg, the PDF converter...), checks whether each is installed
// and works, and says how to install it. `masthead doctor` prints the list;
// the admin shows the same checks.
//
// A package that uses a new tool adds one line to Tools.
package doctor

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Tool is one optional program.
type Tool struct {
	Name    string // the program, as on $PATH
	Purpose string // what Masthead uses it for
	// Check is the command (program first) that must exit 0 when the
	// tool works; its first line of output is shown as the version.
	Check []string
	// Stdin, if set, is given to Check (a word for a speech engine to say).
	Stdin  string
	Debian string // install command on Debian and Ubuntu
	MacOS  string // install command on macOS (Homebrew)
}

// Tools lists every optional tool, in the order `masthead doctor` shows
// them. One line each.
func Tools() []Tool {
	return []Tool{
		{"ffmpeg", "encodes narration to MP3 (needed for any audio)", []string{"ffmpeg", "-hide_banner", "-version"}, "", "apt-get install -y ffmpeg", "brew install ffmpeg"},
		{"lame", "encodes an edited paragraph's narration with a fifth of ffmpeg's CPU (optional: ffmpeg does it without)", []string{"lame", "--version"}, "", "apt-get install -y lame", "brew install lame"},
		{"festival", "narrates articles with the natural HTS voice (the default engine)", []string{"festival", "-b", "(voice_cmu_us_slt_arctic_hts)"}, "", "apt-get install -y --no-install-recommends festival festvox-us-slt-hts", "brew install festival (then a voice: see festvox.org)"},
		{"espeak-ng", "narrates articles quickly with a robotic voice", []string{"espeak-ng", "-q", "--stdout", "ready"}, "", "apt-get install -y espeak-ng", "brew install espeak-ng"},
		{"ffprobe", "measures audio in tests and benchmarks", []string{"ffprobe", "-hide_banner", "-version"}, "", "apt-get install -y ffmpeg", "brew install ffmpeg"},
		{"weasyprint", "makes each issue's print-like PDF (without it no PDF is offered)", []string{"weasyprint", "--version"}, "", "apt-get install -y weasyprint", "brew install weasyprint"},
	}
}

// Result is what Run found of one tool.
type Result struct {
	Tool
	Found   bool   // the program is on $PATH
	Works   bool   // Check exited 0
	Version string // the first line Check printed
	Problem string // why it does not work
}

// Run checks every tool, in parallel, each within timeout.
func Run(ctx context.Context, tools []Tool, timeout time.Duration) []Result {
	out := make([]Result, len(tools))
	var wg sync.WaitGroup
	for i, t := range tools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = check(ctx, t, timeout)
		}()
	}
	wg.Wait()
	return out
}

func check(ctx context.Context, t Tool, timeout time.Duration) Result {
	r := Result{Tool: t}
	if _, err := exec.LookPath(t.Check[0]); err != nil {
		r.Problem = "not installed"
		return r
	}
	r.Found = true
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.Check[0], t.Check[1:]...)
	cmd.Stdin = strings.NewReader(t.Stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	switch {
	case ctx.Err() != nil:
		r.Problem = fmt.Sprintf("did not answer within %s", timeout)
	case err != nil:
		// Festival reports a missing voice on stdout.
		r.Problem = firstLine(strings.TrimSpace(stderr.String()+"\n"+stdout.String()) + " (" + err.Error() + ")")
	default:
		r.Works = true
		if !bytes.HasPrefix(stdout.Bytes(), []byte("RIFF")) {
			r.Version = firstLine(stdout.String())
		}
	}
	return r
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}
