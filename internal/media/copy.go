package media

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/masthead-press/masthead/internal/magazine"
)

// CopyProgress is how far Copy has got.
type CopyProgress struct {
	Files, Done      int   // files in the folder, and how many are done (copied or already there)
	Copied, Skipped  int   // of the done ones
	Bytes, DoneBytes int64 // the same in bytes
}

// Copy copies every file of a Disk into an S3 bucket under the same key.
// A key the bucket already holds at the same size is skipped (keys name
// their content, so the same size is the same file), which makes an
// interrupted copy resume where it stopped. progress, when not nil, is
// called after each file.
func Copy(ctx context.Context, from *Disk, to *S3, progress func(CopyProgress)) (CopyProgress, error) {
	files, err := from.List(ctx)
	if err != nil {
		return CopyProgress{}, err
	}
	p := CopyProgress{Files: len(files)}
	for _, f := range files {
		p.Bytes += f.Size
	}
	for _, f := range files {
		size, err := to.Size(ctx, f.Key)
		switch {
		case err == nil && size == f.Size:
			p.Skipped++
		case err == nil || magazine.IsNotFound(err):
			if err := copyOne(ctx, from, to, f); err != nil {
				return p, err
			}
			p.Copied++
		default:
			return p, err
		}
		p.Done++
		p.DoneBytes += f.Size
		if progress != nil {
			progress(p)
		}
	}
	return p, nil
}

func copyOne(ctx context.Context, from *Disk, to *S3, f Stored) error {
	r, err := os.Open(filepath.Join(from.Dir, filepath.FromSlash(f.Key)))
	if err != nil {
		return fmt.Errorf("read media %s: %w", f.Key, err)
	}
	defer r.Close()
	return to.PutReader(ctx, f.Key, r, f.Size)
}
