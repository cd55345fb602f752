package httpx

import (
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"
)

// StatusClientClosedRequest is nginx's 499: the client went away before
// the answer was ready. It is never sent (nobody is there to read it); it
// names such requests in logs and metrics, apart from the server's errors.
const StatusClientClosedRequest = 499

// clientGone reports whether r's client has gone: the server cancels a
// request's context when its connection closes.
func clientGone(r *http.Request) bool { return r.Context().Err() != nil }

// LogPolicy decides at which level a request's log line is written. Under
// load a line per page view is most of what a server writes (a minute of
// wrk once wrote 484 MB), so successful requests go at debug, except one in
// Sample; errors (status 400 and up) and requests slower than Slow stay at
// info, and requests the client abandoned go at debug.
type LogPolicy struct {
	// Sample logs one in this many successful requests at info; 0 none.
	Sample int
	// Slow is the time from which a request is logged at info whatever
	// its status; 0 means one second.
	Slow time.Duration
}

func (p LogPolicy) slow() time.Duration {
	if p.Slow <= 0 {
		return time.Second
	}
	return p.Slow
}

// sampler returns a function that says yes once in every p.Sample calls.
func (p LogPolicy) sampler() func() bool {
	if p.Sample <= 0 {
		return func() bool { return false }
	}
	var n atomic.Uint64
	every := uint64(p.Sample)
	return func() bool { return n.Add(1)%every == 1%every }
}

func (p LogPolicy) level(status int, elapsed time.Duration, sample func() bool) slog.Level {
	switch {
	case status == StatusClientClosedRequest:
		return slog.LevelDebug
	case status >= 400, elapsed >= p.slow():
		return slog.LevelInfo
	case sample():
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
