package webhook

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
)

// CheckURL refuses an endpoint URL deliveries must not go to: anything
// but https, and hosts on private, loopback or link-local addresses (the
// server's own network), with an EINVALID error on the "url" field that
// says what to do. allowLoopback (a development and test flag) also lets
// http://127.0.0.1, [::1] and localhost through. The address is checked
// again when each delivery dials, since DNS can change.
func CheckURL(ctx context.Context, raw string, allowLoopback bool) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", magazine.FieldError("url", "Give a full web address, such as https://example.com/hooks/masthead.")
	}
	if u.User != nil {
		return "", magazine.FieldError("url", "Leave the user name and password out of the address; check deliveries with the signing secret instead.")
	}
	host := u.Hostname()
	loopback := host == "localhost" || strings.HasSuffix(host, ".localhost")
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip.Unmap()}
	} else if !loopback {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		found, err := net.DefaultResolver.LookupNetIP(lctx, "ip", host)
		if err != nil || len(found) == 0 {
			return "", magazine.FieldError("url", "The host %s could not be found. Check the address.", host)
		}
		addrs = found
	}
	for _, ip := range addrs {
		ip = ip.Unmap()
		loopback = loopback || ip.IsLoopback()
		if !httpx.PublicAddr(ip) && !(allowLoopback && ip.IsLoopback()) {
			return "", magazine.FieldError("url", "%s is a private or local address: webhooks go only to public servers.", host)
		}
	}
	if loopback && !allowLoopback {
		return "", magazine.FieldError("url", "%s is a private or local address: webhooks go only to public servers.", host)
	}
	if u.Scheme != "https" && !(allowLoopback && loopback) {
		return "", magazine.FieldError("url", "Use an https:// address: deliveries carry readers' details and must be encrypted.")
	}
	u.Fragment = ""
	return u.String(), nil
}
