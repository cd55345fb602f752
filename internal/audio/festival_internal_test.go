package audio

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func needFestival(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("festival"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("festival is not installed; CI installs it (see .ci/run)")
		}
		t.Skip("festival is not installed")
	}
}

// pid is the running festival's process ID, 0 if none.
func (f *Festival) pid() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.proc == nil {
		return 0
	}
	return f.proc.cmd.Process.Pid
}

// alive reports whether a process (not a zombie) runs with this PID.
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return syscall.Kill(pid, 0) == nil
	}
	s := string(b)
	return !strings.HasPrefix(strings.TrimSpace(s[strings.LastIndexByte(s, ')')+1:]), "Z")
}

func speakOK(t *testing.T, f *Festival, texts ...string) []PCM {
	t.Helper()
	pcms, err := f.Synthesize(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pcms {
		if p.Duration() < 300*time.Millisecond {
			t.Errorf("%q gave %v of audio", texts[i], p.Duration())
		}
	}
	return pcms
}

// runningFestival starts f's process with a first batch and returns its
// PID; the test stops it at the end.
func runningFestival(t *testing.T, f *Festival) int {
	t.Helper()
	needFestival(t)
	t.Cleanup(func() { f.Close() })
	speakOK(t, f, "Ready.")
	pid := f.pid()
	if pid == 0 || !alive(pid) {
		t.Fatalf("no festival running after a batch (pid %d)", pid)
	}
	return pid
}

// TestFestivalKeepsItsProcess: batch after batch is spoken by one festival
// process, whose CPU time CPUTime counts while it runs and after it stops.
func TestFestivalKeepsItsProcess(t *testing.T) {
	t.Parallel()
	f := &Festival{}
	pid := runningFestival(t, f)
	for _, batch := range [][]string{{"The council met on Tuesday.", "It argued about the bridge."}, {"Nobody would say what happens next."}} {
		speakOK(t, f, batch...)
		if got := f.pid(); got != pid {
			t.Fatalf("the batch was spoken by process %d, the first by %d", got, pid)
		}
	}
	// Loading the voice alone takes a good part of a second.
	live := CPUTime(f) - CPUTime()
	if live < 100*time.Millisecond {
		t.Errorf("CPUTime counts %v for the running festival", live)
	}
	withFestival := CPUTime(f)
	f.Close()
	if alive(pid) {
		t.Fatal("festival still runs after Close")
	}
	// Stopped and reaped, its time is a finished child's: still counted,
	// once (ticks of 10 ms either side).
	if after := CPUTime(); after < withFestival-20*time.Millisecond || after > withFestival+live/2 {
		t.Errorf("CPU %v with the running festival, %v once it stopped", withFestival, after)
	}
}

// TestFestivalQuoting: quotes, backslashes, parentheses and semicolons are
// spoken as text; nothing in a text reaches Festival's Scheme reader as
// code (a command that would create a file, or quit).
func TestFestivalQuoting(t *testing.T) {
	t.Parallel()
	mark := filepath.Join(t.TempDir(), "evaluated")
	f := &Festival{}
	pid := runningFestival(t, f)
	texts := []string{
		`He said ") (system "touch ` + mark + `") (" and left.`,
		`A backslash \" then (system "touch ` + mark + `") ; and \\") (quit) ("`,
		"Parentheses (like these) and semicolons; a comment ; (quit)\n(quit)",
	}
	speakOK(t, f, texts...)
	if _, err := os.Stat(mark); err == nil {
		t.Fatal("a text was evaluated: the file it names was created")
	}
	if f.pid() != pid || !alive(pid) {
		t.Fatal("a text made festival quit")
	}
}

// TestFestivalBadUtterance: an utterance Festival fails to write fails its
// batch with Festival's reason; the process goes on with the next batch.
func TestFestivalBadUtterance(t *testing.T) {
	t.Parallel()
	f := &Festival{}
	pid := runningFestival(t, f)
	_, err := f.speak(context.Background(), []string{"One.", "Two."}, []string{filepath.Join(t.TempDir(), "one.wav"), "/no/such/folder/two.wav"})
	if err == nil || !strings.Contains(err.Error(), "no audio") || !strings.Contains(err.Error(), "two.wav") {
		t.Fatalf("got %v, want no audio and Festival's reason", err)
	}
	speakOK(t, f, "Still here.")
	if f.pid() != pid {
		t.Errorf("festival was restarted after a bad utterance (%d, then %d)", pid, f.pid())
	}
	if _, err := (&Festival{VoiceName: "no_such_voice"}).Synthesize(context.Background(), []string{"Hello."}); err == nil || !strings.Contains(err.Error(), "no_such_voice") {
		t.Errorf("a voice festival does not have: %v", err)
	}
}

// TestFestivalKilled: a festival killed in the middle of a batch fails
// that batch with the reason; the next call starts another.
func TestFestivalKilled(t *testing.T) {
	t.Parallel()
	f := &Festival{}
	pid := runningFestival(t, f)
	long := make([]string, 20)
	for i := range long {
		long[i] = "The harbour master said the boats would keep running until the spring, weather and diesel prices allowing."
	}
	done := make(chan error)
	go func() {
		_, err := f.Synthesize(context.Background(), long)
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "festival stopped") {
		t.Fatalf("the killed batch: %v, want festival stopped", err)
	}
	speakOK(t, f, "Back again.")
	if got := f.pid(); got == pid || got == 0 {
		t.Errorf("after the kill, process %d (the killed one was %d)", got, pid)
	}

	// A deadline in the middle of a batch kills the process too.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	pid = f.pid()
	start := time.Now()
	if _, err := f.Synthesize(ctx, long); err == nil || !strings.Contains(err.Error(), "time limit") {
		t.Fatalf("past its deadline: %v", err)
	}
	if time.Since(start) > 5*time.Second || alive(pid) {
		t.Errorf("after %v, festival (%d) alive: %v", time.Since(start), pid, alive(pid))
	}
	speakOK(t, f, "And again.")
}

// fakeFestival is a program that stands in for festival.
func fakeFestival(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "festival")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFestivalHangsOrBabbles: a festival that never answers is killed at
// the deadline; one that prints garbage, or exits, fails the batch with
// the reason; a missing one says what to install.
func TestFestivalHangsOrBabbles(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "pid")
	hang := &Festival{Binary: fakeFestival(t, "echo $$ > "+pidFile+"; exec sleep 60")}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := hang.Synthesize(ctx, []string{"Hello."})
	if err == nil || !strings.Contains(err.Error(), "time limit") {
		t.Fatalf("a hanging festival: %v", err)
	}
	b, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if pid == 0 || alive(pid) || hang.pid() != 0 {
		t.Errorf("the hanging festival (%d) was not stopped", pid)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the hanging festival was stopped after %v", d)
	}

	for name, c := range map[string]struct{ script, want string }{
		"babbles":  {"yes 'Festival says hello'", "more than 50 lines"},
		"one line": {"head -c 100000 /dev/zero; sleep 60", "more than 4096 bytes"},
		"exits":    {"echo 'Segmentation fault' >&2; exit 139", "festival stopped (EOF): Segmentation fault"},
	} {
		_, err := (&Festival{Binary: fakeFestival(t, c.script)}).Synthesize(context.Background(), []string{"Hello."})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
	var un error = (&Festival{Binary: "no-such-festival"}).Check(context.Background())
	if !errors.Is(un, ErrUnavailable) {
		t.Errorf("a missing festival: %v", un)
	}
}

// TestFestivalIdle: a process left idle stops; the next batch starts one.
// Check speaks through a running process and starts none of its own.
func TestFestivalIdle(t *testing.T) {
	t.Parallel()
	needFestival(t)
	f := &Festival{Idle: 300 * time.Millisecond}
	t.Cleanup(func() { f.Close() })
	if err := f.Check(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.pid() != 0 {
		t.Fatal("Check left a festival running")
	}
	speakOK(t, f, "Ready.")
	pid := f.pid()
	if err := f.Check(context.Background()); err != nil || f.pid() != pid {
		t.Fatalf("Check with festival running: %v, process %d then %d", err, pid, f.pid())
	}
	deadline := time.Now().Add(5 * time.Second)
	for f.pid() != 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if f.pid() != 0 || alive(pid) {
		t.Fatalf("festival %d still runs after %v idle", pid, f.Idle)
	}
	speakOK(t, f, "Awake again.")
	if f.pid() == 0 {
		t.Error("no festival after the idle one stopped")
	}
}
