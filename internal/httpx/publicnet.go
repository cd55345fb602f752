package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// RefusedAddr is a connection PublicClient's dialer would not make.
type RefusedAddr struct{ IP netip.Addr }

func (r *RefusedAddr) Error() string {
	return "its address " + r.IP.String() + " is private or local"
}

// PublicClient is an HTTP client that connects only to public addresses,
// for fetching what staff name by URL (import images, webhook targets):
// the check is on the address actually dialled, after DNS, so a name that
// resolves to 127.0.0.1 or 10.0.0.5 (or a redirect to one) is refused
// with a *RefusedAddr. allowLoopback lets it reach 127.0.0.0/8 and ::1,
// for tests and development only. timeout bounds a whole request.
func PublicClient(allowLoopback bool, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return err
		}
		if ip := ap.Addr().Unmap(); !PublicAddr(ip) && !(allowLoopback && ip.IsLoopback()) {
			return &RefusedAddr{IP: ip}
		}
		return nil
	}}
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		Proxy: nil, DialContext: d.DialContext, TLSHandshakeTimeout: 10 * time.Second, MaxIdleConnsPerHost: 4,
	}}
}

// nonPublic are ranges that are not the public internet besides those
// netip names: carrier-grade NAT, benchmarking, documentation, 6to4 relay.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("192.0.0.0/24"), netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"), netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// PublicAddr reports whether ip is on the public internet.
func PublicAddr(ip netip.Addr) bool {
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}
