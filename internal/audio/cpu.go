package audio

import (
	"syscall"
	"time"
)

// CPUTime is the CPU time of this process and of its children that have
// finished: what narrating costs, engines and ffmpeg included, for
// `masthead audio say` and the benchmarks.
func CPUTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}
