// Package s3test gives tests a real S3 bucket of their own, on the server
// .ci/run starts (versitygw).
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/masthead-press/masthead/internal/media"
)

// Env names the test S3 server: http://ACCESS:SECRET@127.0.0.1:PORT/BUCKET
// (.ci/run starts versitygw and sets it; see .ci/s3.sh).
const Env = "MASTHEAD_TEST_S3_URL"

// Config returns the test server's configuration, with a new, empty
// bucket of the test's own, removed with its objects afterwards. With no
// server configured it skips the test, except under CI=true, where that
// is a failure: the media suite must have run on object storage.
func Config(t testing.TB) media.S3Config {
	t.Helper()
	raw := os.Getenv(Env)
	if raw == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but " + Env + " is not set: the media suite must run on an S3 server (use .ci/run)")
		}
		t.Skip(Env + " is not set; .ci/run starts versitygw and sets it")
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		t.Fatalf("%s=%q is not http://ACCESS:SECRET@HOST:PORT/BUCKET", Env, raw)
	}
	secret, _ := u.User.Password()
	cfg := media.S3Config{Endpoint: u.Scheme + "://" + u.Host, Region: "us-east-1", PathStyle: media.PathOn,
		AccessKey: u.User.Username(), SecretKey: secret}
	client, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: u.Scheme == "https", Region: cfg.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatalf("S3 client for %s: %v", Env, err)
	}
	var b [6]byte
	rand.Read(b[:])
	cfg.Bucket = "masthead-test-" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if err := client.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
		t.Fatalf("the S3 server at %s is unreachable or refuses to make a bucket: %v", cfg.Endpoint, err)
	}
	t.Cleanup(func() {
		for obj := range client.ListObjects(ctx, cfg.Bucket, minio.ListObjectsOptions{Recursive: true}) {
			if obj.Err == nil {
				client.RemoveObject(ctx, cfg.Bucket, obj.Key, minio.RemoveObjectOptions{})
			}
		}
		client.RemoveBucket(ctx, cfg.Bucket)
	})
	return cfg
}

// Storage returns storage in a new, empty bucket of the test server (see
// Config).
func Storage(t testing.TB) *media.S3 {
	t.Helper()
	s, err := media.NewS3(Config(t))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
