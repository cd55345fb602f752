// Package parallel runs independent pieces of CPU work on every core.
package parallel

import (
	"context"
	"errors"
	"runtime"
	"sync"
)

// Map calls fn for each index 0..n-1 on GOMAXPROCS goroutines and returns
// the results in order, with every error joined. It stops handing out
// work when ctx ends, and then returns ctx's error.
func Map[T any](ctx context.Context, n int, fn func(i int) (T, error)) ([]T, error) {
	out := make([]T, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() {
			for i := range next {
				out[i], errs[i] = fn(i)
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, errors.Join(errs...)
}
