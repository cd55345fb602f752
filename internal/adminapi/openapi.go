package adminapi

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPI describes both APIs, the public /api/v1 and the Admin API
// (OpenAPI 3.1). TestOpenAPIMatchesRoutes checks that it lists exactly the
// routes the two register.
//
//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Content-Length", strconv.Itoa(len(openAPI)))
	w.Write(openAPI)
}
