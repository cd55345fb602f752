package audio

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPUTime is the CPU time of this process, of its children that have
// finished, and of the given engines' processes that are still running (a
// Festival kept between batches is no finished child until it stops):
// what narrating costs, engines and ffmpeg included, for `masthead audio
// say` and the benchmarks. Pass the engines whose processes the
// measurement must include.
func CPUTime(engines ...Engine) time.Duration {
	read := ownCPU
	for _, e := range engines {
		if l, ok := e.(interface {
			liveCPU(func() time.Duration) time.Duration
		}); ok {
			inner := read
			read = func() time.Duration { return l.liveCPU(inner) }
		}
	}
	return read()
}

func ownCPU() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}

// processCPU is the user and system time of a running process, from
// /proc/PID/stat (fields 14 and 15, in clock ticks: 100 a second, the
// USER_HZ Linux reports in on every architecture). 0 where there is no
// /proc (macOS): there, a running engine's time is counted once it stops.
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name, in parentheses, may hold spaces: count from
	// after it, where the third field (the state) begins.
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100
}
