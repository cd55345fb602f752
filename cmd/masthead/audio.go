package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/magazine"
)

// audioCmd narrates from the shell: the archive in the background, or a
// text file (to try a voice, and to measure the engines).
func audioCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, `Usage:
  masthead audio backfill [--since YYYY-MM-DD]
  masthead audio say --file TEXT [--engine festival|espeak-ng] --out FILE.mp3

backfill narrates every published article (since the date) that has no
narration yet, newest first, at low CPU priority, with a progress bar. It
can be stopped at any time and run again: it goes on where it stopped.
say narrates a text file (paragraphs separated by blank lines) and prints
how long the speech lasts and the CPU time it took.
`)
		return nil
	}
	switch args[0] {
	case "backfill":
		return audioBackfill(ctx, args[1:], getenv, stdout)
	case "say":
		return audioSay(ctx, args[1:], getenv, stdout)
	}
	return usageError(fmt.Sprintf("unknown audio command %q (try: masthead audio help)", args[0]))
}

func audioSay(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("audio say", "Narrate a text file to MP3 and report the CPU time it took.", stdout, getenv)
	var file, out, engine, voice string
	fs.StringVar(&file, "file", "", "the text to say; paragraphs are separated by blank lines")
	fs.StringVar(&out, "out", "", "where to write the MP3")
	fs.StringVar(&engine, "engine", audio.DefaultEngine, "festival or espeak-ng")
	fs.StringVar(&voice, "voice", "", "the engine's voice (default: its own)")
	if err := fs.parse(args); err != nil {
		return ignoreHelp(err)
	}
	if file == "" || out == "" {
		return usageError("give --file and --out")
	}
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	e := audio.New(audio.Settings{Engine: engine, Voice: voice})
	if e == nil || (engine != audio.EngineFestival && engine != audio.EngineEspeak) {
		return usageError("--engine is festival or espeak-ng")
	}
	start, cpu0 := time.Now(), audio.CPUTime(e)
	mp3, length, err := audio.Speak(ctx, e, audio.Encoder{}, strings.Split(strings.ReplaceAll(string(text), "\r\n", "\n"), "\n\n"))
	if err != nil {
		return err
	}
	cpu, wall := audio.CPUTime(e)-cpu0, time.Since(start) // Festival's process is still running: CPUTime reads it
	if err := os.WriteFile(out, mp3, 0o644); err != nil {
		return err
	}
	words := len(strings.Fields(string(text)))
	fmt.Fprintf(stdout, "%s (%s): %d words, %.1f s of speech, %.2f s CPU (engine and ffmpeg), %.2f s wall, %.0f× real time per CPU second, %d KB\n",
		e.Name(), e.Voice(), words, length.Seconds(), cpu.Seconds(), wall.Seconds(), length.Seconds()/cpu.Seconds(), len(mp3)>>10)
	return nil
}

func audioBackfill(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("audio backfill", "Narrate the archive: every published article without a narration, newest first.", stdout, getenv)
	var c common
	var since string
	var sf storageFlags
	fs.common(&c)
	if err := fs.storage(&sf); err != nil {
		return err
	}
	fs.StringVar(&since, "since", "", "only articles published on or after this day, YYYY-MM-DD (default: all)")
	if err := fs.parse(args); err != nil {
		return ignoreHelp(err)
	}
	var from time.Time
	if since != "" {
		var err error
		if from, err = time.Parse("2006-01-02", since); err != nil {
			return usageError(fmt.Sprintf("--since %q is not a date such as 2024-01-31", since))
		}
	}
	log, err := c.logger(io.Discard)
	if err != nil {
		return err
	}
	st, files, err := openAll(ctx, c, sf, false)
	if err != nil {
		return err
	}
	defer st.Close()
	n := &audio.Narrator{Store: st, Files: files, Log: log}
	e, _, err := n.Current(ctx)
	if errors.Is(err, audio.ErrOff) {
		return errors.New("narration is turned off in Settings, Audio: choose an engine first")
	} else if err != nil {
		return err
	}
	if err := e.Check(ctx); err != nil {
		return fmt.Errorf("the %s engine does not work here: %w (masthead doctor lists what to install)", e.Name(), err)
	}
	// Low priority: readers' requests, and first plays, come first. The
	// engines inherit it.
	if err := syscall.Setpriority(syscall.PRIO_PROCESS, 0, 15); err != nil {
		fmt.Fprintln(stdout, "note: could not lower the CPU priority:", err)
	}
	total, err := st.CountArticlesWithoutAudio(ctx, from)
	if err != nil {
		return err
	}
	if total == 0 {
		fmt.Fprintln(stdout, "Every article is narrated.")
		return nil
	}
	fmt.Fprintf(stdout, "Narrating %d articles with %s (%s); stop with Ctrl-C and run again to go on.\n", total, e.Name(), e.Voice())
	bar := progress{w: stdout, total: total, start: time.Now()}
	var below int64
	failed := 0
	for {
		ids, err := st.ArticlesWithoutAudio(ctx, from, below, 50)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			below = id
			if _, err := n.Render(ctx, id); err != nil {
				if ctx.Err() != nil {
					fmt.Fprintln(stdout, "\nStopped; run the command again to go on.")
					return nil
				}
				failed++
				if magazine.ErrorCode(err) == magazine.EINVALID { // nothing to read
					failed--
				}
			}
			bar.step(failed)
		}
	}
	fmt.Fprintf(stdout, "\nDone: %d narrated, %d failed (the admin's Audio page shows why).\n", bar.done-failed, failed)
	return nil
}

// progress draws a one-line progress bar with an estimate of the time left.
type progress struct {
	w     io.Writer
	total int
	done  int
	start time.Time
}

func (p *progress) step(failed int) {
	p.done++
	const width = 30
	filled := width * p.done / max(p.total, 1)
	left := time.Duration(float64(time.Since(p.start)) / float64(p.done) * float64(p.total-p.done)).Round(time.Second)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d articles, %d failed, about %s left   ", strings.Repeat("#", filled), strings.Repeat(" ", width-filled),
		p.done, p.total, failed, left)
}
