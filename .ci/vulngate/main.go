// Command vulngate reads `govulncheck -format json` on stdin and decides
// whether CI passes. A vulnerability that our code reaches (a finding whose
// trace names a called function) in a module we require fails the run: the
// fix is a version bump in go.mod. One in the standard library is printed
// as a warning naming the Go release that fixes it, because the toolchain
// is the machine's, not the repository's: the fix is installing that Go.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
}

type message struct {
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *struct {
		OSV          string  `json:"osv"`
		FixedVersion string  `json:"fixed_version"`
		Trace        []frame `json:"trace"`
	} `json:"finding"`
}

type called struct{ id, module, version, fixed, pkg string }

func main() {
	summaries := map[string]string{}
	found := map[string]called{}
	dec := json.NewDecoder(os.Stdin)
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "vulngate: cannot read govulncheck's output: %v\n", err)
			os.Exit(2)
		}
		if m.OSV != nil {
			summaries[m.OSV.ID] = m.OSV.Summary
		}
		if f := m.Finding; f != nil && len(f.Trace) > 0 && f.Trace[0].Function != "" {
			t := f.Trace[0]
			found[f.OSV] = called{f.OSV, t.Module, t.Version, f.FixedVersion, t.Package}
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	failed := 0
	for _, id := range ids {
		c := found[id]
		kind := "FAIL"
		if c.module == "stdlib" {
			kind = "warning (standard library: install Go " + c.fixed + " or newer)"
		} else {
			failed++
		}
		fmt.Printf("%s: %s in %s@%s (%s), fixed in %s: %s\n", kind, id, c.module, c.version, c.pkg, c.fixed, summaries[id])
	}
	fmt.Printf("vulngate: %d reachable vulnerabilities, %d in required modules\n", len(ids), failed)
	if failed > 0 {
		os.Exit(1)
	}
}
