package httpx

import (
	"bytes"
	"compress/gzip"
)

// stdGzip is what pages were compressed with before: the standard
// library at its default level (BenchmarkCompress compares).
func stdGzip(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
