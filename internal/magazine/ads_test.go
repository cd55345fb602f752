package magazine

import "testing"

func TestCheckAdTag(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		tag string
		ok  bool
	}{
		{`<div id="ad"></div><script src="https://ads.example/t.js"></script>`, true},
		{`<script>if (a < b && c > d) { document.write("<p>") }</script>`, true},
		{`<a href="https://x.example"><img src="https://x.example/i.png" alt=""></a><br>`, true},
		{`<!-- ad server 3 --><ins class="ad" data-slot="1"></ins>`, true},
		{`<div><script>load()</div>`, false},
		{`<div><span></div></span>`, false},
		{`</div>`, false},
		{`<p>unclosed`, false},
		{`   `, false},
	} {
		err := CheckAdTag(tt.tag)
		if (err == nil) != tt.ok {
			t.Errorf("CheckAdTag(%q) = %v, want ok %v", tt.tag, err, tt.ok)
		}
		if err != nil && ErrorMessage(err) == "" {
			t.Errorf("CheckAdTag(%q) gives no message", tt.tag)
		}
	}
}

func TestCheckAdOrigins(t *testing.T) {
	t.Parallel()
	got, err := CheckAdOrigins("https://Ads.Example.com\nhttp://127.0.0.1:8080 https://ads.example.com/")
	if err != nil || len(got) != 2 || got[0] != "https://ads.example.com" || got[1] != "http://127.0.0.1:8080" {
		t.Errorf("origins = %q, %v", got, err)
	}
	for _, bad := range []string{"ads.example.com", "https://ads.example.com/path", "javascript:alert(1)", "https://a.example;script-src", "'unsafe-inline'"} {
		if _, err := CheckAdOrigins(bad); err == nil {
			t.Errorf("origin %q accepted", bad)
		}
	}
}
