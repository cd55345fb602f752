// Package webhook sends Masthead's events to the endpoints staff
// configure, signed per the Standard Webhooks specification
// (https://www.standardwebhooks.com): each request carries webhook-id,
// webhook-timestamp and webhook-signature, the last being "v1," and the
// base64 of HMAC-SHA256(secret, id + "." + timestamp + "." + body).
//
// Emitter records a delivery per interested endpoint when something
// happens; Sender makes one attempt at a delivery. The job queue
// (internal/jobs) runs the attempts and their backoff.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// secretPrefix starts every signing secret, as the specification's
// libraries expect.
const secretPrefix = "whsec_"

// NewSecret returns a new signing secret: "whsec_" and the base64 of 32
// random bytes.
func NewSecret() string {
	return secretPrefix + base64.StdEncoding.EncodeToString(randomBytes(32))
}

// NewMsgID returns a message id for the webhook-id header.
func NewMsgID() string {
	return "msg_" + base64.RawURLEncoding.EncodeToString(randomBytes(16))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand)
	return b
}

// Sign returns the webhook-signature header of a message: "v1," and the
// base64 of HMAC-SHA256 over "msgID.timestamp.body", keyed with the
// secret's bytes.
func Sign(secret, msgID string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, secretPrefix))
	if err != nil || len(key) == 0 {
		return "", errors.New("webhook: the signing secret is not whsec_ and base64")
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(msgID))
	mac.Write([]byte{'.'})
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}
