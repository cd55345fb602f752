package main

import (
	"context"
	"log/slog"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// editionBuilder makes the builder of issue editions, with WeasyPrint for
// the PDF when it is installed, and the function that asks the queue
// (once it runs) for a build now.
func editionBuilder(st *store.Store, files media.Storage, log *slog.Logger, baseURL string, queue func() *jobs.Queue) (*edition.Builder, func(context.Context)) {
	// A few builds a run (every 20 s): the newest issues first, the back
	// catalogue of a large archive over the following hours.
	b := &edition.Builder{Store: st, Files: files, Log: log, BaseURL: baseURL, PerRun: 6}
	if conv, err := edition.FindPDFConverter(); err == nil {
		b.PDF = conv
	} else {
		log.Warn("issues get no PDF", "why", err.Error())
	}
	return b, func(ctx context.Context) {
		if err := queue().BuildEditionsNow(ctx); err != nil {
			log.Warn("could not ask for the editions to be built now; the periodic run builds them", "err", err)
		}
	}
}
