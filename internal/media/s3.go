package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/masthead-press/masthead/internal/magazine"
)

// S3Config says where an S3-compatible bucket is and how to sign in to it.
type S3Config struct {
	// Endpoint is the server's URL: https://s3.eu-west-1.amazonaws.com,
	// http://127.0.0.1:7070. Without a scheme it is HTTPS.
	Endpoint string
	Bucket   string
	// Region signs the requests; "" asks the server once.
	Region string
	// PathStyle puts the bucket in the path (/BUCKET/KEY), which MinIO,
	// versitygw and most self-hosted servers need; off puts it in the host
	// name (BUCKET.HOST), which AWS prefers. PathAuto lets the client
	// choose by the host: path-style for addresses and unknown hosts.
	PathStyle PathStyle
	AccessKey string
	SecretKey string
	// SessionToken goes with temporary credentials (AWS_SESSION_TOKEN).
	SessionToken string
}

// PathStyle is how requests name the bucket.
type PathStyle int

// The ways of naming the bucket; see S3Config.PathStyle.
const (
	PathAuto PathStyle = iota
	PathOn
	PathOff
)

// S3 stores files as objects in a bucket, under the same keys as Disk.
type S3 struct {
	client   *minio.Client
	bucket   string
	endpoint string
}

// NewS3 returns the storage for a bucket. It does no I/O: Check says
// whether the bucket can be reached.
func NewS3(cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, magazine.Errorf(magazine.EINVALID, "Name the S3 bucket (--s3-bucket).")
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, magazine.Errorf(magazine.EINVALID, "No S3 credentials: set MASTHEAD_S3_ACCESS_KEY and MASTHEAD_S3_SECRET_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).")
	}
	raw := cfg.Endpoint
	if raw == "" {
		return nil, magazine.Errorf(magazine.EINVALID, "Give the S3 server's URL (--s3-endpoint), e.g. https://s3.eu-west-1.amazonaws.com.")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, magazine.Errorf(magazine.EINVALID, "--s3-endpoint %q is not a server URL such as https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:7070 (no path: the bucket is --s3-bucket).", cfg.Endpoint)
	}
	lookup := minio.BucketLookupAuto
	switch cfg.PathStyle {
	case PathOn:
		lookup = minio.BucketLookupPath
	case PathOff:
		lookup = minio.BucketLookupDNS
	}
	client, err := minio.New(u.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       u.Scheme == "https",
		Region:       cfg.Region,
		BucketLookup: lookup,
		// A few quick retries ride out a dropped connection; a server
		// that is down is reported within seconds, not after ten tries.
		MaxRetries: 3,
	})
	if err != nil {
		return nil, magazine.Errorf(magazine.EINVALID, "S3 at %s: %v", cfg.Endpoint, err)
	}
	return &S3{client: client, bucket: cfg.Bucket, endpoint: u.Scheme + "://" + u.Host}, nil
}

// String names the bucket and its server, for messages.
func (s *S3) String() string { return fmt.Sprintf("bucket %q at %s", s.bucket, s.endpoint) }

// Check reports whether the bucket can be reached with these credentials,
// in one line that says what to check.
func (s *S3) Check(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.explain(err)
	}
	if !ok {
		return fmt.Errorf("S3 %s does not exist: create it, or check --s3-bucket", s)
	}
	return nil
}

// unavailable is a failure of the bucket at run time: the user sees that
// the file store did not answer (503), the log the cause, which names
// the server and what to check.
func (s *S3) unavailable(format string, key string, err error) error {
	return fmt.Errorf("%w: "+format+" in %w", magazine.Errorf(magazine.EUNAVAILABLE, "The file store did not answer, so nothing was stored or sent. Try again in a minute; if it goes on, tell the site's administrator."), key, s.explain(err))
}

// explain turns a client error into one line naming the server and what
// to check.
func (s *S3) explain(err error) error {
	resp := minio.ToErrorResponse(err)
	var netErr net.Error
	var opErr *net.OpError
	switch {
	case resp.StatusCode == http.StatusForbidden || resp.Code == "AccessDenied" || resp.Code == "InvalidAccessKeyId" || resp.Code == "SignatureDoesNotMatch":
		return fmt.Errorf("S3 %s refused the credentials (%s): check MASTHEAD_S3_ACCESS_KEY and MASTHEAD_S3_SECRET_KEY, and that the key may use the bucket", s, codeOr(resp, "access denied"))
	case resp.StatusCode == http.StatusMovedPermanently || resp.Code == "AuthorizationHeaderMalformed" || resp.Code == "PermanentRedirect":
		return fmt.Errorf("S3 %s is in another region (%s): check --s3-region", s, codeOr(resp, "redirect"))
	case errors.As(err, &opErr), errors.As(err, &netErr), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("cannot reach S3 at %s (%v): check --s3-endpoint and that the server is running", s.endpoint, err)
	}
	return fmt.Errorf("S3 %s: %w (check --s3-endpoint, --s3-region and --s3-path-style)", s, err)
}

func codeOr(resp minio.ErrorResponse, def string) string {
	if resp.Code != "" {
		return resp.Code
	}
	return def
}

// Put uploads data in one request: an object is either all there or not
// there, so a failed upload leaves nothing half-stored.
func (s *S3) Put(ctx context.Context, key string, data []byte) error {
	return s.PutReader(ctx, key, bytes.NewReader(data), int64(len(data)))
}

// PutReader uploads size bytes from r, in parts when it is large, without
// holding them all in memory.
func (s *S3) PutReader(ctx context.Context, key string, r io.Reader, size int64) error {
	if !ValidKey(key) {
		return magazine.Errorf(magazine.EINVALID, "Bad media key %q.", key)
	}
	opts := minio.PutObjectOptions{ContentType: TypeOf(key)}
	if opts.ContentType == "" {
		opts.ContentType = "application/octet-stream"
	}
	if _, err := s.client.PutObject(ctx, s.bucket, key, r, size, opts); err != nil {
		return s.unavailable("store %s", key, err)
	}
	return nil
}

type s3File struct {
	*minio.Object
	mod time.Time
}

func (f s3File) ModTime() time.Time { return f.mod }

// Open asks for the object's size and time (a HEAD) and returns it ready
// to read or seek; each read after a seek is a ranged GET, so a Range
// request fetches only from where it starts.
func (s *S3) Open(ctx context.Context, key string) (File, error) {
	if !ValidKey(key) {
		return nil, magazine.Errorf(magazine.ENOTFOUND, "File not found.")
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, fmt.Errorf("open media %s: %w", key, err)
	}
	st, err := obj.Stat()
	if err != nil {
		obj.Close()
		if notFound(err) {
			return nil, magazine.Errorf(magazine.ENOTFOUND, "File not found.")
		}
		return nil, s.unavailable("open media %s", key, err)
	}
	return s3File{Object: obj, mod: st.LastModified}, nil
}

// Size is the size of the object under key; an ENOTFOUND error when there
// is none.
func (s *S3) Size(ctx context.Context, key string) (int64, error) {
	st, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if notFound(err) {
		return 0, magazine.Errorf(magazine.ENOTFOUND, "File not found.")
	} else if err != nil {
		return 0, s.unavailable("look up media %s", key, err)
	}
	return st.Size, nil
}

// Delete removes the object under key; a key with no object is no error.
func (s *S3) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return magazine.Errorf(magazine.EINVALID, "Bad media key %q.", key)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil && !notFound(err) {
		return s.unavailable("delete media %s", key, err)
	}
	return nil
}

func notFound(err error) bool {
	if err == nil {
		return false
	}
	resp := minio.ToErrorResponse(err)
	return resp.Code == minio.NoSuchKey || resp.StatusCode == http.StatusNotFound && resp.Code != minio.NoSuchBucket
}

// LinkOptions are the headers the object store sends with a presigned
// file in place of the stored ones.
type LinkOptions struct {
	ContentType        string
	ContentDisposition string
	CacheControl       string
}

// Linker is a Storage that can hand a client a URL to fetch a file from
// directly, valid for ttl.
type Linker interface {
	Link(ctx context.Context, key string, ttl time.Duration, opts LinkOptions) (string, error)
}

// Link presigns a GET of the object under key. Signing needs no request
// when the region is configured (else the first one asks the server).
func (s *S3) Link(ctx context.Context, key string, ttl time.Duration, opts LinkOptions) (string, error) {
	if !ValidKey(key) {
		return "", magazine.Errorf(magazine.ENOTFOUND, "File not found.")
	}
	q := url.Values{}
	for name, v := range map[string]string{"response-content-type": opts.ContentType, "response-content-disposition": opts.ContentDisposition, "response-cache-control": opts.CacheControl} {
		if v != "" {
			q.Set(name, v)
		}
	}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, ttl, q)
	if err != nil {
		return "", s.unavailable("presign media %s", key, err)
	}
	return u.String(), nil
}

// Origin is the scheme and host that presigned links point to, for a
// content security policy.
func (s *S3) Origin(ctx context.Context) (string, error) {
	u, err := s.client.PresignedGetObject(ctx, s.bucket, "00/"+strings.Repeat("0", 64)+".png", time.Minute, nil)
	if err != nil {
		return "", fmt.Errorf("presign a link in %w", s.explain(err))
	}
	return u.Scheme + "://" + u.Host, nil
}
