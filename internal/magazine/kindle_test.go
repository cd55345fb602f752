package magazine

import "testing"

func TestValidKindle(t *testing.T) {
	for _, ok := range []string{"reader@kindle.com", "Reader_1@Kindle.com", "a@free.kindle.com", "x@kindle.cn"} {
		if err := ValidKindle(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "reader@gmail.com", "reader@kindle.com.evil.example", "reader@notkindle.com", "a@b@kindle.com", "reader@kindle.com, other@gmail.com", "@kindle.com"} {
		if err := ValidKindle(bad); ErrorCode(err) != EINVALID {
			t.Errorf("%q accepted", bad)
		}
	}
}
