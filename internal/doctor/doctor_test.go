package doctor_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/doctor"
)

func TestRun(t *testing.T) {
	t.Parallel()
	tools := []doctor.Tool{
		{Name: "sh", Purpose: "works", Check: []string{"sh", "-c", "echo sh 1.0"}, Debian: "x", MacOS: "y"},
		{Name: "missing", Purpose: "absent", Check: []string{"no-such-tool-anywhere"}, Debian: "apt-get install -y missing", MacOS: "brew install missing"},
		{Name: "broken", Purpose: "fails", Check: []string{"sh", "-c", "echo voice not found >&2; exit 3"}},
		{Name: "slow", Purpose: "hangs", Check: []string{"sleep", "10"}},
	}
	res := doctor.Run(context.Background(), tools, 300*time.Millisecond)
	if !res[0].Works || res[0].Version != "sh 1.0" {
		t.Errorf("working tool: %+v", res[0])
	}
	if res[1].Found || res[1].Works || res[1].Problem != "not installed" {
		t.Errorf("missing tool: %+v", res[1])
	}
	if !res[2].Found || res[2].Works || !strings.Contains(res[2].Problem, "voice not found") {
		t.Errorf("broken tool: %+v", res[2])
	}
	if res[3].Works || !strings.Contains(res[3].Problem, "did not answer") {
		t.Errorf("hanging tool: %+v", res[3])
	}
	for _, tool := range doctor.Tools() {
		if tool.Name == "" || tool.Purpose == "" || len(tool.Check) == 0 || tool.Debian == "" || tool.MacOS == "" {
			t.Errorf("incomplete entry %+v", tool)
		}
	}
}
