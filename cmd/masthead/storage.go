package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
)

// storageFlags say where media live: the data folder, or an S3 bucket.
type storageFlags struct {
	s3 media.S3Config
}

// storage adds the object-storage flags. The credentials come from the
// environment only (flags show in ps): MASTHEAD_S3_ACCESS_KEY and
// MASTHEAD_S3_SECRET_KEY, else the standard AWS variables.
func (fs *flagSet) storage(sf *storageFlags) error {
	fs.str(&sf.s3.Bucket, "s3-bucket", "", "keep media (images, audio, editions) in this S3 bucket instead of the data folder; credentials from MASTHEAD_S3_ACCESS_KEY and MASTHEAD_S3_SECRET_KEY, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	fs.str(&sf.s3.Endpoint, "s3-endpoint", "", "the S3-compatible server, e.g. http://127.0.0.1:7070 or https://s3.eu-west-1.amazonaws.com (default with --s3-bucket: AWS)")
	fs.str(&sf.s3.Region, "s3-region", "", "the bucket's region, e.g. eu-west-1 (default: asked of the server)")
	ps := &pathStyle{p: &sf.s3.PathStyle}
	if v := fs.getenv(envName("s3-path-style")); v != "" {
		if err := ps.Set(v); err != nil {
			return usageError(envName("s3-path-style") + "=" + err.Error())
		}
	}
	fs.Var(ps, "s3-path-style", "name the bucket in the path (needed by MinIO, versitygw and most self-hosted servers): true, false (in the host name, as AWS prefers) or auto (by the host)")
	sf.s3.AccessKey, sf.s3.SecretKey = fs.getenv("MASTHEAD_S3_ACCESS_KEY"), fs.getenv("MASTHEAD_S3_SECRET_KEY")
	if sf.s3.AccessKey == "" && sf.s3.SecretKey == "" {
		sf.s3.AccessKey, sf.s3.SecretKey = fs.getenv("AWS_ACCESS_KEY_ID"), fs.getenv("AWS_SECRET_ACCESS_KEY")
		sf.s3.SessionToken = fs.getenv("AWS_SESSION_TOKEN")
	}
	return nil
}

// pathStyle is --s3-path-style: a boolean flag that may also be "auto".
type pathStyle struct{ p *media.PathStyle }

func (ps *pathStyle) String() string {
	if ps == nil || ps.p == nil {
		return "auto"
	}
	return [...]string{"auto", "true", "false"}[*ps.p]
}

func (ps *pathStyle) Set(v string) error {
	switch strings.ToLower(v) {
	case "auto", "":
		*ps.p = media.PathAuto
	case "1", "true", "yes", "on":
		*ps.p = media.PathOn
	case "0", "false", "no", "off":
		*ps.p = media.PathOff
	default:
		return fmt.Errorf("%q: use true, false or auto", v)
	}
	return nil
}

func (ps *pathStyle) IsBoolFlag() bool { return true }

// s3On reports whether media go to a bucket.
func (sf storageFlags) s3On() bool { return sf.s3.Bucket != "" || sf.s3.Endpoint != "" }

// bucket returns the bucket's storage, without reaching it.
func (sf storageFlags) bucket() (*media.S3, error) {
	cfg := sf.s3
	if cfg.Bucket == "" {
		return nil, usageError("--s3-endpoint needs --s3-bucket: the bucket to keep media in")
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = "https://s3.amazonaws.com"
	}
	s, err := media.NewS3(cfg)
	if err != nil {
		return nil, usageError(magazine.ErrorMessage(err))
	}
	return s, nil
}

// open returns where media live: the bucket, once it answers, or the
// media folder of the data folder.
func (sf storageFlags) open(ctx context.Context, c common) (media.Storage, error) {
	if !sf.s3On() {
		return media.NewDisk(filepath.Join(c.data, "media"))
	}
	s, err := sf.bucket()
	if err != nil {
		return nil, err
	}
	if err := s.Check(ctx); err != nil {
		return nil, err
	}
	return s, nil
}
