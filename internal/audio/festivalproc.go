package audio

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// festivalProc is a running `festival --pipe` with its voice loaded. It
// reads Scheme on stdin; after each expression it is told to print a
// numbered marker and flush, so that everything it printed for that
// expression (stderr and stdout share one pipe, in the order written)
// comes before the marker.
type festivalProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *os.File
	r     *bufio.Reader
	seq   int
}

// Bounds on what festival may print for one utterance: it prints nothing
// when all goes well, a line or two of error when not. More is garbage.
const (
	festivalMaxLine  = 4096
	festivalMaxLines = 50
)

// startFestival starts festival and loads the voice within ctx. The
// process is not tied to ctx: it outlives the request that started it.
func startFestival(ctx context.Context, binary, voice string) (*festivalProc, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("festival: %w", err)
	}
	cmd := exec.Command(binary, "--pipe")
	cmd.Stdout, cmd.Stderr = w, w
	stdin, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	w.Close()
	if err != nil {
		r.Close()
		if _, lookErr := exec.LookPath(binary); lookErr != nil {
			return nil, unavailable("festival is not installed (Debian/Ubuntu: apt-get install --no-install-recommends festival festvox-us-slt-hts; macOS: brew install festival, then a voice)")
		}
		return nil, fmt.Errorf("festival: %w", err)
	}
	p := &festivalProc{cmd: cmd, stdin: stdin, out: r, r: bufio.NewReaderSize(r, festivalMaxLine)}
	said, err := p.run(ctx, fmt.Sprintf("(voice_%s)", voice))
	if err == nil {
		for _, l := range said {
			if strings.Contains(l, "ERROR") {
				err = fmt.Errorf("festival cannot load the voice %s: %s", voice, l)
			}
		}
	}
	if err != nil {
		p.kill()
		return nil, err
	}
	return p, nil
}

// run sends one expression and reads what festival prints up to its
// marker. An error means the process can no longer be trusted (it died,
// hung past ctx and was killed, or printed garbage): the caller kills it.
func (p *festivalProc) run(ctx context.Context, expr string) ([]string, error) {
	p.seq++
	marker := fmt.Sprintf("masthead-done %d", p.seq)
	stop := context.AfterFunc(ctx, func() { p.cmd.Process.Kill() })
	defer stop()
	var said []string
	fail := func(err error) ([]string, error) {
		if ctx.Err() != nil {
			return said, fmt.Errorf("festival did not finish within its time limit")
		}
		if len(said) > 0 {
			return said, fmt.Errorf("festival stopped (%v): %s", err, said[len(said)-1])
		}
		return said, fmt.Errorf("festival stopped (%v)", err)
	}
	// A write fails when festival has exited: what it printed before it
	// did, read up to the end, is the reason.
	io.WriteString(p.stdin, expr+"\n(format t \""+marker+"\\n\")\n(fflush nil)\n")
	for {
		line, err := p.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return said, fmt.Errorf("festival printed a line of more than %d bytes instead of speaking", festivalMaxLine)
		}
		if err != nil {
			return fail(err)
		}
		l := strings.TrimSpace(string(line))
		if l == marker {
			return said, nil
		}
		if len(said) == festivalMaxLines {
			return said, fmt.Errorf("festival printed more than %d lines for one utterance instead of speaking: %s", festivalMaxLines, clip(l))
		}
		said = append(said, l)
	}
}

// stop ends the process the way a user would: end of input, then a kill
// if it has not exited in a few seconds.
func (p *festivalProc) stop() {
	p.stdin.Close()
	t := time.AfterFunc(5*time.Second, func() { p.cmd.Process.Kill() })
	p.cmd.Wait()
	t.Stop()
	p.out.Close()
}

// kill ends it now.
func (p *festivalProc) kill() {
	p.cmd.Process.Kill()
	p.stdin.Close()
	p.cmd.Wait()
	p.out.Close()
}
