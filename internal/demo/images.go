package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/parallel"
	"github.com/masthead-press/masthead/internal/store"
)

const (
	// figurePoolSize pictures serve as every article's featured image and
	// figures, however many articles there are.
	figurePoolSize = 40
	// maxOwnCovers is how many issues get a cover of their own, with their
	// title and date; a larger archive shares a pool of this many covers.
	maxOwnCovers = 48
)

// createPictures draws the figure pool, the covers and the portraits on
// every core, then stores them in order.
func (s *seeder) createPictures(ctx context.Context) error {
	seed := s.opts.Seed
	var jobs []func() (picture, error)
	for i := range figurePoolSize {
		jobs = append(jobs, func() (picture, error) { return figurePicture(newRand(seed, streamFigures, i), i) })
	}
	own := len(s.issues) <= maxOwnCovers
	covers := min(len(s.issues), maxOwnCovers)
	for i := range covers {
		var lines coverLines
		name := fmt.Sprintf("demo-cover-%02d", i+1)
		if own {
			is := s.issues[i]
			lines.title = is.title
			lines.dateline = strings.ToUpper(is.date.Format("January 2, 2006") + " - " + magazine.Issue{Volume: is.volume, Number: is.number}.Label())
			name = fmt.Sprintf("demo-cover-%d-%02d", is.volume, is.number)
		}
		jobs = append(jobs, func() (picture, error) {
			return coverPicture(newRand(seed, streamCovers, i), name, magazineName, lines)
		})
	}
	for i := range s.opts.Authors {
		jobs = append(jobs, func() (picture, error) {
			return portraitPicture(newRand(seed, streamPortraits, i), fmt.Sprintf("demo-author-%03d", i+1))
		})
	}
	pics, err := drawAll(ctx, jobs)
	if err != nil {
		return err
	}
	urls := make([]string, len(pics))
	for i, p := range pics {
		if urls[i], err = s.storePicture(ctx, p); err != nil {
			return err
		}
		s.progress.every("images", i+1, len(pics))
	}
	s.figures, s.figureURLs = pics[:figurePoolSize], urls[:figurePoolSize]
	s.covers, s.portraits = urls[figurePoolSize:figurePoolSize+covers], urls[figurePoolSize+covers:]
	s.sum.Images = len(pics)
	return nil
}

// drawAll runs the drawing jobs on every core. Each job has its own random
// generator, so the pictures do not depend on the order they are drawn in.
func drawAll(ctx context.Context, jobs []func() (picture, error)) ([]picture, error) {
	return parallel.Map(ctx, len(jobs), func(i int) (picture, error) { return jobs[i]() })
}

func (s *seeder) storePicture(ctx context.Context, p picture) (string, error) {
	key, err := media.Key(p.data, p.contentType)
	if err != nil {
		return "", err
	}
	if err := s.files.Put(ctx, key, p.data); err != nil {
		return "", fmt.Errorf("demo picture %s: %w", p.name, err)
	}
	_, err = s.st.RecordMedia(ctx, store.Media{Key: key, Name: p.name, ContentType: p.contentType,
		Size: int64(len(p.data)), Width: p.w, Height: p.h})
	if err != nil {
		return "", fmt.Errorf("demo picture %s: %w", p.name, err)
	}
	return media.URL(key), nil
}
